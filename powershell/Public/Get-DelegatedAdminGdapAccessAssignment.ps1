function Get-DelegatedAdminGdapAccessAssignment {
    <#
    .SYNOPSIS
    Lists the access assignments of GDAP relationships: which security group holds which of a relationship's
    roles, through Microsoft Graph.

    .DESCRIPTION
    Lists tenantRelationships/delegatedAdminRelationships/{id}/accessAssignments, every page. A relationship
    without an active assignment is unused: no one in the partner tenant can use its roles (a candidate for
    Stop-DelegatedAdminGdapRelationship). Takes relationships from the pipeline by property name (RelationshipId,
    or Id as Get-DelegatedAdminGdapRelationship writes it). A failure for one relationship is written as a
    non-terminating error and the others go on.

    Output: DelegatedAdmin.GdapAccessAssignment objects: RelationshipId, Id, Status, SecurityGroupId,
    AccessContainerType, Roles (role definition ids), RoleNames, RoleCount, CreatedDateTime,
    LastModifiedDateTime (UTC) and ETag.

    Needs Microsoft Graph's DelegatedAdminRelationship.Read.All.

    .PARAMETER RelationshipId
    The relationship id (<guid>-<guid>).

    .PARAMETER Status
    Only the assignments in this status: pending, active, deleting, deleted or error.

    .EXAMPLE
    Get-DelegatedAdminGdapAccessAssignment -RelationshipId $relationshipId

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active | Get-DelegatedAdminGdapAccessAssignment -Status active | Group-Object SecurityGroupId

    Which security groups hold roles in the active relationships.

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active | Where-Object { @(Get-DelegatedAdminGdapAccessAssignment -RelationshipId $_.Id -Status active).Count -eq 0 }

    The active relationships that no security group uses.

    .OUTPUTS
    DelegatedAdmin.GdapAccessAssignment
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.GdapAccessAssignment')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('Id')]
        [string] $RelationshipId,

        [Parameter()]
        [ValidateSet('pending', 'active', 'deleting', 'deleted', 'error')]
        [string] $Status
    )

    process {
        $request = [ordered]@{ id = $RelationshipId }
        if ($PSBoundParameters.ContainsKey('Status')) {
            $request['status'] = $Status
        }
        $failure = $null
        $result = Invoke-DelegatedAdminNative -Operation 'da_list_gdap_access_assignments' -Request $request -TargetObject $RelationshipId -Failure ([ref]$failure)
        if ($null -ne $failure) {
            if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                $PSCmdlet.ThrowTerminatingError($failure)
            }
            $PSCmdlet.WriteError($failure)
            return
        }
        $assignments = Get-DelegatedAdminProperty -InputObject $result -Name 'assignments'
        $normalizedId = $RelationshipId.Trim().ToLowerInvariant()
        foreach ($assignment in @($assignments)) {
            if ($null -ne $assignment) {
                ConvertTo-DelegatedAdminGdapAccessAssignment -InputObject $assignment -RelationshipId $normalizedId
            }
        }
    }
}
