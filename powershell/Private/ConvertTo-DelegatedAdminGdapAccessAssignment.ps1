function ConvertTo-DelegatedAdminGdapAccessAssignment {
    <#
    .SYNOPSIS
    Turns a Microsoft Graph delegatedAdminAccessAssignment into a DelegatedAdmin.GdapAccessAssignment object.

    .DESCRIPTION
    RelationshipId (the relationship it belongs to), Id, Status (pending, active, deleting, deleted, error),
    SecurityGroupId (accessContainer.accessContainerId) and AccessContainerType, Roles (role definition ids),
    RoleNames and RoleCount, CreatedDateTime and LastModifiedDateTime (UTC [datetime]), and ETag.

    .PARAMETER InputObject
    An assignment as the library returned it.

    .PARAMETER RelationshipId
    The relationship the assignment was listed for.

    .OUTPUTS
    DelegatedAdmin.GdapAccessAssignment
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.GdapAccessAssignment')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [object] $InputObject,

        [Parameter(Mandatory = $true)]
        [string] $RelationshipId
    )

    process {
        $container = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'accessContainer'
        $details = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'accessDetails'
        $roles = New-Object -TypeName System.Collections.Generic.List[string]
        $unifiedRoles = Get-DelegatedAdminProperty -InputObject $details -Name 'unifiedRoles'
        foreach ($role in @($unifiedRoles)) {
            $roleId = Get-DelegatedAdminProperty -InputObject $role -Name 'roleDefinitionId'
            if (-not [string]::IsNullOrEmpty([string]$roleId)) {
                $roles.Add(([string]$roleId).ToLowerInvariant())
            }
        }
        [pscustomobject]@{
            PSTypeName           = 'DelegatedAdmin.GdapAccessAssignment'
            RelationshipId       = $RelationshipId
            Id                   = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'id')
            Status               = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'status')
            SecurityGroupId      = [string](Get-DelegatedAdminProperty -InputObject $container -Name 'accessContainerId')
            AccessContainerType  = [string](Get-DelegatedAdminProperty -InputObject $container -Name 'accessContainerType')
            RoleCount            = $roles.Count
            Roles                = [string[]]$roles.ToArray()
            RoleNames            = [string[]]@($roles | ForEach-Object { Get-DelegatedAdminGdapRoleName -RoleDefinitionId $_ })
            CreatedDateTime      = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $InputObject -Name 'createdDateTime')
            LastModifiedDateTime = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $InputObject -Name 'lastModifiedDateTime')
            ETag                 = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name '@odata.etag')
        }
    }
}
