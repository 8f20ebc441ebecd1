function Remove-DelegatedAdminGdapGlobalAdminRole {
    <#
    .SYNOPSIS
    Removes the Global Administrator role from GDAP relationships, keeping every other role, through Microsoft
    Graph.

    .DESCRIPTION
    Reads the relationship (the roles sent are exactly its current ones), then sends PATCH
    tenantRelationships/delegatedAdminRelationships/{id} with If-Match and every role but Global Administrator
    (62e90394-69f5-4237-9190-012177145e10). Graph runs the change as a long-running operation: by default the
    command waits until it ends, as a native job (Write-Progress shows how long Graph has been at it; Ctrl+C stops
    the waiting, and Graph goes on with it); -NoWait returns once Graph accepted it (Status accepted, and the
    operation's URL). A relationship without the role is left as it is (Status notHeld, a warning). A relationship
    whose only role is Global Administrator is refused (InvalidOperation, code globalAdministratorOnlyRole: a
    relationship keeps at least one role; terminate it instead). An operation that ends failed is an InvalidResult
    error with Graph's code (the relationship keeps its roles).

    Removing Global Administrator is what lets a relationship be auto-extended (Set-DelegatedAdminGdapAutoExtend).
    Asks for confirmation for each relationship (ConfirmImpact High) unless -Force or -Confirm:$false is given;
    -WhatIf lists what would change and sends nothing. Takes relationships from the pipeline by property name
    (RelationshipId, or Id as Get-DelegatedAdminGdapRelationship writes it). A failure for one relationship is
    written as a non-terminating error and the others go on.

    Needs Microsoft Graph's DelegatedAdminRelationship.ReadWrite.All.

    .PARAMETER RelationshipId
    The relationship id (<guid>-<guid>).

    .PARAMETER DisplayName
    The relationship's display name, used only in the confirmation and -WhatIf messages (bound from piped
    relationships).

    .PARAMETER NoWait
    Returns as soon as Graph accepted the change, without waiting for the operation to end.

    .PARAMETER Force
    Removes without asking for confirmation (-WhatIf still only reports).

    .PARAMETER PassThru
    Returns a DelegatedAdmin.GdapRoleRemoval object (RelationshipId, Status: removed, accepted or notHeld,
    OperationId, OperationUrl, OperationStatus, RemainingRoles: how many roles the relationship keeps) for each
    relationship.

    .EXAMPLE
    Remove-DelegatedAdminGdapGlobalAdminRole -RelationshipId $relationshipId

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active | Where-Object IsGlobalAdministratorHeld | Remove-DelegatedAdminGdapGlobalAdminRole -WhatIf

    Lists the active relationships that would lose Global Administrator.

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Id $relationshipId | Remove-DelegatedAdminGdapGlobalAdminRole -Force -PassThru | Set-DelegatedAdminGdapAutoExtend -Enabled $true

    Removes the role, waits for Graph to finish, then turns auto-extend on.

    .OUTPUTS
    None, or DelegatedAdmin.GdapRoleRemoval with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType('DelegatedAdmin.GdapRoleRemoval')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('Id')]
        [string] $RelationshipId,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $DisplayName,

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
    }

    process {
        $target = $RelationshipId
        if (-not [string]::IsNullOrEmpty($DisplayName)) {
            $target = "'{0}' ({1})" -f $DisplayName, $RelationshipId
        }
        if (-not $PSCmdlet.ShouldProcess($target, 'Remove the Global Administrator role from the GDAP relationship (every other role is kept)')) {
            return
        }

        $request = [ordered]@{ id = $RelationshipId; wait = (-not $NoWait) }
        $failure = $null
        if ($NoWait) {
            $result = Invoke-DelegatedAdminNative -Operation 'da_remove_gdap_global_admin_role' -Request $request -TargetObject $RelationshipId -Failure ([ref]$failure)
        }
        else {
            # Waiting may take minutes: a job, with progress, that Ctrl+C stops.
            $stopped = 'Stopped waiting for the Global Administrator removal of {0}; Microsoft Graph goes on with it. Run Get-DelegatedAdminGdapRelationship -Id {1} to see when it is done.' -f $target, $RelationshipId
            $result = Invoke-DelegatedAdminJob -Operation 'removeGdapGlobalAdminRole' -Request $request -Activity ('Removing Global Administrator from GDAP relationship {0}' -f $target) -StoppedMessage $stopped -CancelWaitSeconds 10 -PollIntervalMilliseconds 200 -TargetObject $RelationshipId -Failure ([ref]$failure)
        }
        if ($null -ne $failure) {
            # The Global Administrator rule is about this relationship only: the others of the pipeline go on.
            if ((Test-DelegatedAdminTerminatingError -ErrorRecord $failure) -and $failure.FullyQualifiedErrorId -notlike 'DelegatedAdmin.invalid_request.globalAdministrator*') {
                $PSCmdlet.ThrowTerminatingError($failure)
            }
            $PSCmdlet.WriteError($failure)
            return
        }

        $status = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'status')
        if ($status -eq 'notHeld') {
            Write-Warning ('The GDAP relationship {0} does not hold the Global Administrator role: nothing was changed.' -f $target)
        }
        else {
            Write-Verbose ('GDAP relationship {0}: Global Administrator {1}.' -f $target, $status)
        }
        if ($PassThru) {
            $operation = Get-DelegatedAdminProperty -InputObject $result -Name 'operation'
            $remaining = Get-DelegatedAdminProperty -InputObject $result -Name 'remainingRoles'
            if ($null -ne $remaining) {
                $remaining = [int]$remaining
            }
            $resultId = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'id')
            if ([string]::IsNullOrEmpty($resultId)) {
                $resultId = $RelationshipId
            }
            [pscustomobject]@{
                PSTypeName      = 'DelegatedAdmin.GdapRoleRemoval'
                RelationshipId  = $resultId
                Status          = $status
                OperationId     = Get-DelegatedAdminProperty -InputObject $result -Name 'operationId'
                OperationUrl    = Get-DelegatedAdminProperty -InputObject $result -Name 'operationUrl'
                OperationStatus = Get-DelegatedAdminProperty -InputObject $operation -Name 'status'
                RemainingRoles  = $remaining
            }
        }
    }
}
