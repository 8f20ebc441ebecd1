function Get-DelegatedAdminContext {
    <#
    .SYNOPSIS
    Shows the current DelegatedAdmin connection: tenant, client, authentication kind and endpoints.

    .DESCRIPTION
    Returns nothing when not connected (like Get-MgContext). Never returns a secret: it only says which kind of
    credential is in use (ServiceTokens names the services that have a token of their own). Endpoints the
    connection does not override show the public default the native library uses. Its Connection property (not
    shown) is what Connect-DelegatedAdmin -Context takes in another runspace: ForEach-Object -Parallel,
    Start-ThreadJob or a runspace pool; its secrets are SecureStrings and print as such.

    .EXAMPLE
    Get-DelegatedAdminContext

    TenantId        : 7c4b... ClientId : 6f1a... AuthKind : RefreshToken ...

    .EXAMPLE
    if (-not (Get-DelegatedAdminContext)) { Connect-DelegatedAdmin -DeviceCode -ClientId $appId }

    .EXAMPLE
    $context = Get-DelegatedAdminContext
    Start-ThreadJob -ScriptBlock { Import-Module DelegatedAdmin; Connect-DelegatedAdmin -Context $using:context; Get-DelegatedAdminCustomer -InactiveDays 90 } | Receive-Job -Wait

    Uses this session's connection in a thread job (PowerShell 7; on Windows PowerShell 5.1 with the ThreadJob
    module, or in a runspace of its own: [powershell]::Create()).

    .OUTPUTS
    DelegatedAdmin.Context
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.Context')]
    param()

    $connection = $script:DelegatedAdminConnection
    if ($null -eq $connection) {
        return
    }

    $shown = @{}
    foreach ($service in @('PartnerCenter', 'CustomerAdmin', 'CloudCockpit', 'ResourceManager')) {
        $value = $connection.Endpoints[$service]
        if ([string]::IsNullOrEmpty($value)) {
            $value = Get-DelegatedAdminDefaultEndpoint -Service $service
        }
        $shown[$service] = $value
    }

    [pscustomobject]@{
        PSTypeName              = 'DelegatedAdmin.Context'
        TenantId                = $connection.TenantId
        ClientId                = $connection.ClientId
        AuthKind                = $connection.AuthKind
        TenantSource            = $connection.TenantSource
        Authority               = $connection.Authority
        PartnerCenterEndpoint   = $shown['PartnerCenter']
        CustomerAdminEndpoint   = $shown['CustomerAdmin']
        CloudCockpitEndpoint    = $shown['CloudCockpit']
        ResourceManagerEndpoint = $shown['ResourceManager']
        TimeoutSeconds          = $connection.TimeoutSeconds
        MaxRetries              = $connection.MaxRetries
        Scope                   = $connection.Scope
        ConnectedAt             = $connection.ConnectedAt
        LibraryPath             = $script:DelegatedAdminLibraryPath
        LibraryVersion          = $script:DelegatedAdminLibraryVersion
        ServiceTokens           = @($connection.AccessTokens.Keys | Sort-Object)
        # For Connect-DelegatedAdmin -Context in other runspaces; its secrets are SecureStrings, never shown.
        Connection              = $connection
    }
}
