function Remove-DelegatedAdminLighthouseAssignment {
    <#
    .SYNOPSIS
    Removes Azure Lighthouse registration assignments, ending a managing tenant's access to a subscription or
    resource group.

    .DESCRIPTION
    Deletes the registration assignment through Azure Resource Manager. The delete is a long-running operation:
    by default the command waits until ARM reports it finished, as a native job: Write-Progress shows how long
    ARM has been at it, and Ctrl+C stops the waiting (the delete ARM accepted goes on in Azure; list the
    assignments again to see when it is gone). -NoWait returns once ARM accepted it. Needs the Managed Services
    Registration Assignment Delete Role (or Owner) on the scope.

    Asks for confirmation for each assignment (ConfirmImpact High) unless -Force or -Confirm:$false is given;
    -WhatIf lists what would be removed. Takes assignments from the pipeline by property name (AssignmentId, or
    the aliases Id and ResourceId), so Get-DelegatedAdminLighthouseAssignment output pipes in directly. An
    assignment that no longer exists gives a warning, not an error. A failure for one assignment, an id that is
    not a registration assignment's included, is written as a non-terminating error and the others continue.

    .PARAMETER AssignmentId
    The full resource id of the assignment:
    /subscriptions/{id}[/resourceGroups/{name}]/providers/Microsoft.ManagedServices/registrationAssignments/{assignmentName}.

    .PARAMETER Scope
    With -AssignmentName: /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name}.

    .PARAMETER AssignmentName
    With -Scope: the assignment's name (a GUID).

    .PARAMETER ManagedByTenantName
    The managing tenant's name, used only in the confirmation and -WhatIf messages (bound from piped assignments).

    .PARAMETER NoWait
    Returns as soon as ARM accepted the delete, without waiting for it to finish.

    .PARAMETER Force
    Removes without asking for confirmation (-WhatIf still only reports).

    .PARAMETER PassThru
    Returns a DelegatedAdmin.LighthouseAssignmentRemoval object (AssignmentId, Status: deleted, accepted or
    notFound, OperationUrl) for each assignment.

    .EXAMPLE
    Remove-DelegatedAdminLighthouseAssignment -Scope /subscriptions/$subscriptionId -AssignmentName $assignmentName

    .EXAMPLE
    Get-DelegatedAdminLighthouseAssignment -Scope /subscriptions/$subscriptionId -IncludeDefinition |
        Where-Object ManagedByTenantId -eq $oldPartnerTenantId |
        Remove-DelegatedAdminLighthouseAssignment -WhatIf

    .EXAMPLE
    Remove-DelegatedAdminLighthouseAssignment -AssignmentId $assignment.AssignmentId -Force -NoWait -PassThru

    .OUTPUTS
    None, or DelegatedAdmin.LighthouseAssignmentRemoval with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High', DefaultParameterSetName = 'Id')]
    [OutputType('DelegatedAdmin.LighthouseAssignmentRemoval')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Id', ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Id', 'ResourceId')]
        [ValidateNotNullOrEmpty()]
        [string[]] $AssignmentId,

        [Parameter(Mandatory = $true, ParameterSetName = 'Name')]
        [ValidateNotNullOrEmpty()]
        [string] $Scope,

        [Parameter(Mandatory = $true, ParameterSetName = 'Name')]
        [ValidateNotNullOrEmpty()]
        [string] $AssignmentName,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $ManagedByTenantName,

        [Parameter()]
        [switch] $NoWait,

        [Parameter()]
        [switch] $Force,

        [Parameter()]
        [switch] $PassThru
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) {
            $ConfirmPreference = 'None'
        }
        $idPattern = '^/subscriptions/[0-9a-fA-F-]{36}(/resourceGroups/[^/]+)?/providers/Microsoft\.ManagedServices/registrationAssignments/[^/]+$'
    }

    process {
        $requests = New-Object -TypeName System.Collections.Generic.List[object]
        if ($PSCmdlet.ParameterSetName -eq 'Name') {
            $requests.Add([ordered]@{ scope = $Scope.TrimEnd('/'); assignmentName = $AssignmentName })
        }
        else {
            foreach ($id in $AssignmentId) {
                if ($id -notmatch $idPattern) {
                    # One bad item of a pipeline: say so, and go on with the others.
                    $record = ConvertTo-DelegatedAdminErrorRecord -Message ("'{0}' is not a registration assignment id: expected /subscriptions/{{id}}[/resourceGroups/{{name}}]/providers/Microsoft.ManagedServices/registrationAssignments/{{name}}." -f $id) -ErrorId 'DelegatedAdmin.InvalidArgument.AssignmentId' -Category InvalidArgument -TargetObject $id
                    $PSCmdlet.WriteError($record)
                    continue
                }
                $requests.Add([ordered]@{ assignmentId = $id })
            }
        }

        foreach ($request in $requests) {
            $display = $request['assignmentId']
            if ($null -eq $display) {
                $display = '{0}/providers/Microsoft.ManagedServices/registrationAssignments/{1}' -f $request['scope'], $request['assignmentName']
            }
            $target = $display
            if (-not [string]::IsNullOrEmpty($ManagedByTenantName)) {
                $target = '{0} (managed by {1})' -f $display, $ManagedByTenantName
            }
            if (-not $PSCmdlet.ShouldProcess($target, 'Remove the Azure Lighthouse registration assignment')) {
                continue
            }

            $request['wait'] = -not $NoWait
            $failure = $null
            if ($NoWait) {
                $result = Invoke-DelegatedAdminNative -Operation 'da_remove_lighthouse_assignment' -Request $request -TargetObject $display -Failure ([ref]$failure)
            }
            else {
                # Waiting may take minutes: a job, with progress, that Ctrl+C stops.
                $stopped = 'Stopped waiting for the delete of {0}; Azure goes on with it. Run Get-DelegatedAdminLighthouseAssignment to see when it is gone.' -f $display
                $result = Invoke-DelegatedAdminJob -Operation 'removeLighthouseAssignment' -Request $request -Activity ('Removing Lighthouse assignment {0}' -f $display) -StoppedMessage $stopped -CancelWaitSeconds 10 -PollIntervalMilliseconds 200 -TargetObject $display -Failure ([ref]$failure)
            }
            if ($null -ne $failure) {
                if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                    $PSCmdlet.ThrowTerminatingError($failure)
                }
                $PSCmdlet.WriteError($failure)
                continue
            }

            $status = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'status')
            if ($status -eq 'notFound') {
                Write-Warning ('The Lighthouse assignment {0} does not exist (already removed?).' -f $display)
            }
            else {
                Write-Verbose ('Lighthouse assignment {0}: {1}.' -f $display, $status)
            }
            if ($PassThru) {
                $resultId = Get-DelegatedAdminProperty -InputObject $result -Name 'assignmentId'
                if ($null -eq $resultId) {
                    $resultId = $display
                }
                [pscustomobject]@{
                    PSTypeName   = 'DelegatedAdmin.LighthouseAssignmentRemoval'
                    AssignmentId = [string]$resultId
                    Status       = $status
                    OperationUrl = Get-DelegatedAdminProperty -InputObject $result -Name 'operationUrl'
                }
            }
        }
    }
}
