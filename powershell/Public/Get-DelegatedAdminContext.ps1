function Get-DelegatedAdminContext {
    <#
    .SYNOPSIS
    Shows the current DelegatedAdmin connection: tenant, client, authentication kind and endpoints.

    .DESCRIPTION
    Returns nothing when not connected (like Get-MgContext). Never returns a secret: it only says which kind of
    credential is in use (ServiceTokens names the services that have a token of their own; ManagedIdentity which
    identity; CertificatePath or CertificateThumbprint which certificate; Proxy the proxy's URL and user name, never
    its password). Endpoints the connection does not override show the default of its cloud that the native library
    uses ($null for a service the cloud does not have). Its Connection property (not
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
    foreach ($service in @('Identity', 'PartnerCenter', 'CustomerAdmin', 'CloudCockpit', 'ResourceManager', 'Graph')) {
        $shown[$service] = Get-DelegatedAdminServiceUrl -Connection $connection -Service $service
    }
    # What the proxy is, never its password.
    $proxy = 'Environment'
    if ($null -ne $connection.Proxy) {
        if ($connection.Proxy.Mode -eq 'None') {
            $proxy = 'None'
        }
        else {
            $proxy = [string]$connection.Proxy.Url
            if ($null -ne $connection.Proxy.Credential) {
                $proxy = '{0} (user {1})' -f $proxy, $connection.Proxy.Credential.UserName
            }
        }
    }
    $identity = $null
    if ($null -ne $connection.ManagedIdentity) {
        if ($connection.ManagedIdentity.Kind -eq 'SystemAssigned') {
            $identity = 'system-assigned'
        }
        else {
            $identity = 'user-assigned, {0} {1}' -f @{ ClientId = 'client id'; ObjectId = 'object id'; ResourceId = 'resource id' }[[string]$connection.ManagedIdentity.Kind], $connection.ManagedIdentity.Id
        }
    }
    $cloud = [string]$connection.Cloud
    if ([string]::IsNullOrEmpty($cloud)) {
        $cloud = 'Public'
    }

    [pscustomobject]@{
        PSTypeName              = 'DelegatedAdmin.Context'
        TenantId                = $connection.TenantId
        ClientId                = $connection.ClientId
        AuthKind                = $connection.AuthKind
        TenantSource            = $connection.TenantSource
        Cloud                   = $cloud
        Authority               = $shown['Identity']
        PartnerCenterEndpoint   = $shown['PartnerCenter']
        CustomerAdminEndpoint   = $shown['CustomerAdmin']
        CloudCockpitEndpoint    = $shown['CloudCockpit']
        ResourceManagerEndpoint = $shown['ResourceManager']
        GraphEndpoint           = $shown['Graph']
        Proxy                   = $proxy
        ManagedIdentity         = $identity
        CertificatePath         = $connection.CertificatePath
        CertificateThumbprint   = $connection.CertificateThumbprint
        SignatureAlgorithm      = $connection.SignatureAlgorithm
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
