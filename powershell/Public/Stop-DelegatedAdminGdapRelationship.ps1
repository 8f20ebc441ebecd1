function Stop-DelegatedAdminGdapRelationship {
    <#
    .SYNOPSIS
    Terminates GDAP relationships through Microsoft Graph: the partner loses that access to the customer. This
    cannot be undone.

    .DESCRIPTION
    Sends POST tenantRelationships/delegatedAdminRelationships/{id}/requests with {"action":"terminate"}, once
    (never retried after Graph answered: a second terminate would be refused). Graph moves the relationship to
    terminationRequested at once and to terminated shortly after; regaining the access takes a new relationship
    that the customer must approve. -Wait reads the request until it succeeds, as a native job (Write-Progress;
    Ctrl+C stops the waiting, and Graph goes on). Only an active relationship can be terminated (others: a
    ResourceExists error, code notAllowed).

    Asks for confirmation for each relationship (ConfirmImpact High) unless -Force or -Confirm:$false is given; -WhatIf lists what would be terminated and sends
    nothing. Takes relationships from the pipeline by property name (RelationshipId, or Id as
    Get-DelegatedAdminGdapRelationship writes it). A failure for one relationship is written as a non-terminating
    error and the others go on.

    Needs Microsoft Graph's DelegatedAdminRelationship.ReadWrite.All.

    .PARAMETER RelationshipId
    The relationship id (<guid>-<guid>).

    .PARAMETER DisplayName
    The relationship's display name, used only in the confirmation and -WhatIf messages (bound from piped
    relationships).

    .PARAMETER CustomerDisplayName
    The customer's name, used only in the confirmation and -WhatIf messages (bound from piped relationships).

    .PARAMETER Wait
    Waits until Graph reports the termination succeeded.

    .PARAMETER Force
    Terminates without asking for confirmation (-WhatIf still only reports).

    .PARAMETER PassThru
    Returns a DelegatedAdmin.GdapTermination object (RelationshipId, RequestId, Status: created, pending or
    succeeded, RequestUrl) for each relationship.

    .EXAMPLE
    Stop-DelegatedAdminGdapRelationship -RelationshipId $relationshipId

    Asks "Are you sure...?", then terminates the relationship.

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active | Where-Object { -not (Get-DelegatedAdminGdapAccessAssignment -RelationshipId $_.Id -Status active) } | Stop-DelegatedAdminGdapRelationship -WhatIf

    Lists the active relationships that no security group uses, which would be terminated.

    .EXAMPLE
    Stop-DelegatedAdminGdapRelationship -RelationshipId $relationshipId -Force -Wait -PassThru

    .OUTPUTS
    None, or DelegatedAdmin.GdapTermination with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType('DelegatedAdmin.GdapTermination')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('Id')]
        [string] $RelationshipId,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $DisplayName,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $CustomerDisplayName,

        [Parameter()]
        [switch] $Wait,

        [Parameter()]
        [switch] $Force,

        [Parameter()]
        [switch] $PassThru
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) {
            $ConfirmPreference = 'None'
        }
    }

    process {
        $target = $RelationshipId
        if (-not [string]::IsNullOrEmpty($DisplayName)) {
            $target = "'{0}' ({1})" -f $DisplayName, $RelationshipId
        }
        if (-not [string]::IsNullOrEmpty($CustomerDisplayName)) {
            $target = '{0} with {1}' -f $target, $CustomerDisplayName
        }
        if (-not $PSCmdlet.ShouldProcess($target, 'Terminate the GDAP relationship (irreversible: the customer must approve a new one to restore the access)')) {
            return
        }

        $request = [ordered]@{ id = $RelationshipId; wait = [bool]$Wait }
        $failure = $null
        if ($Wait) {
            $stopped = 'Stopped waiting for the termination of {0}; Microsoft Graph goes on with it.' -f $target
            $result = Invoke-DelegatedAdminJob -Operation 'terminateGdapRelationship' -Request $request -Activity ('Terminating GDAP relationship {0}' -f $target) -StoppedMessage $stopped -CancelWaitSeconds 10 -PollIntervalMilliseconds 200 -TargetObject $RelationshipId -Failure ([ref]$failure)
        }
        else {
            $result = Invoke-DelegatedAdminNative -Operation 'da_terminate_gdap_relationship' -Request $request -TargetObject $RelationshipId -Failure ([ref]$failure)
        }
        if ($null -ne $failure) {
            if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                $PSCmdlet.ThrowTerminatingError($failure)
            }
            $PSCmdlet.WriteError($failure)
            return
        }

        $status = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'status')
        Write-Verbose ('GDAP relationship {0}: termination {1}.' -f $target, $status)
        if ($PassThru) {
            $resultId = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'id')
            if ([string]::IsNullOrEmpty($resultId)) {
                $resultId = $RelationshipId
            }
            [pscustomobject]@{
                PSTypeName     = 'DelegatedAdmin.GdapTermination'
                RelationshipId = $resultId
                RequestId      = Get-DelegatedAdminProperty -InputObject $result -Name 'requestId'
                Status         = $status
                RequestUrl     = Get-DelegatedAdminProperty -InputObject $result -Name 'requestUrl'
            }
        }
    }
}
