function ConvertTo-DelegatedAdminGdapCustomer {
    <#
    .SYNOPSIS
    Turns a Microsoft Graph delegatedAdminCustomer into a DelegatedAdmin.GdapCustomer object.

    .DESCRIPTION
    CustomerTenantId (the customer's tenant id, so that the object pipes into the cmdlets that take customers),
    DisplayName, Id (Graph's id of the customer entry) and, when they were read, ServiceManagementDetails: one
    object per service (ServiceName, ServiceManagementUrl, Id) with the portal where the partner manages it.

    .PARAMETER InputObject
    A customer as the library returned it.

    .OUTPUTS
    DelegatedAdmin.GdapCustomer
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.GdapCustomer')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [object] $InputObject
    )

    process {
        $details = $null
        $raw = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'serviceManagementDetails'
        if ($null -ne $raw) {
            $details = @(foreach ($item in @($raw)) {
                    if ($null -eq $item) {
                        continue
                    }
                    [pscustomobject]@{
                        ServiceName          = [string](Get-DelegatedAdminProperty -InputObject $item -Name 'serviceName')
                        ServiceManagementUrl = [string](Get-DelegatedAdminProperty -InputObject $item -Name 'serviceManagementUrl')
                        Id                   = [string](Get-DelegatedAdminProperty -InputObject $item -Name 'id')
                    }
                })
        }
        [pscustomobject]@{
            PSTypeName               = 'DelegatedAdmin.GdapCustomer'
            CustomerTenantId         = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'tenantId')
            DisplayName              = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'displayName')
            Id                       = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'id')
            ServiceManagementDetails = $details
            ETag                     = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name '@odata.etag')
        }
    }
}
