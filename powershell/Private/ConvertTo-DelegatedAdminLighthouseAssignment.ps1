function ConvertTo-DelegatedAdminLighthouseAssignment {
    <#
    .SYNOPSIS
    Flattens an ARM RegistrationAssignment into a DelegatedAdmin.LighthouseAssignment object.

    .DESCRIPTION
    AssignmentId (the full resource id), Name, Scope (the id's part before /providers/Microsoft.ManagedServices),
    ProvisioningState, RegistrationDefinitionId, and, when the definition was expanded (-IncludeDefinition), the
    managing tenant, the managed tenant, the offer name, the description and the authorizations.

    .PARAMETER InputObject
    One element of the result's "assignments" array.

    .OUTPUTS
    DelegatedAdmin.LighthouseAssignment
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.LighthouseAssignment')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [object] $InputObject
    )

    process {
        $id = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'id')
        $properties = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'properties'
        $definition = Get-DelegatedAdminProperty -InputObject $properties -Name 'registrationDefinition'
        $definitionProperties = Get-DelegatedAdminProperty -InputObject $definition -Name 'properties'

        $scope = $null
        $marker = '/providers/Microsoft.ManagedServices/'
        $index = $id.IndexOf($marker, [StringComparison]::OrdinalIgnoreCase)
        if ($index -gt 0) {
            $scope = $id.Substring(0, $index)
        }

        $authorizations = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'authorizations'
        if ($null -eq $authorizations) {
            $authorizations = @()
        }
        $eligible = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'eligibleAuthorizations'
        if ($null -eq $eligible) {
            $eligible = @()
        }

        [pscustomobject]@{
            PSTypeName                 = 'DelegatedAdmin.LighthouseAssignment'
            AssignmentId               = $id
            Name                       = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'name')
            Scope                      = $scope
            ProvisioningState          = Get-DelegatedAdminProperty -InputObject $properties -Name 'provisioningState'
            RegistrationDefinitionId   = Get-DelegatedAdminProperty -InputObject $properties -Name 'registrationDefinitionId'
            RegistrationDefinitionName = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'registrationDefinitionName'
            ManagedByTenantId          = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'managedByTenantId'
            ManagedByTenantName        = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'managedByTenantName'
            ManageeTenantId            = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'manageeTenantId'
            ManageeTenantName          = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'manageeTenantName'
            Description                = Get-DelegatedAdminProperty -InputObject $definitionProperties -Name 'description'
            Authorizations             = @($authorizations)
            EligibleAuthorizations     = @($eligible)
            Type                       = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'type'
        }
    }
}
