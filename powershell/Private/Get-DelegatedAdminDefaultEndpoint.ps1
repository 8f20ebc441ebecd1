function Get-DelegatedAdminDefaultEndpoint {
    <#
    .SYNOPSIS
    The public endpoint the native library uses for a service when the connection names none.

    .DESCRIPTION
    Used for display only (Get-DelegatedAdminContext, -Verbose): when no endpoint is set, the request carries no
    "endpoint" field and the native library uses the same default.

    .PARAMETER Service
    Identity, PartnerCenter, CustomerAdmin, CloudCockpit or ResourceManager.

    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('Identity', 'PartnerCenter', 'CustomerAdmin', 'CloudCockpit', 'ResourceManager')]
        [string] $Service
    )

    switch ($Service) {
        'Identity' { 'https://login.microsoftonline.com' }
        'PartnerCenter' { 'https://api.partnercenter.microsoft.com' }
        'CustomerAdmin' { 'https://traf-pcsvcadmin-prod.trafficmanager.net' }
        'CloudCockpit' { 'https://api.cloudcockpit.com' }
        'ResourceManager' { 'https://management.azure.com' }
    }
}
