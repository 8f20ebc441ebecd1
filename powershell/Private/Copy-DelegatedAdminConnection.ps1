function Copy-DelegatedAdminConnection {
    <#
    .SYNOPSIS
    A copy of a connection, with copies of its SecureStrings, for another runspace (Connect-DelegatedAdmin -Context).

    .DESCRIPTION
    Module state is per runspace: ForEach-Object -Parallel, Start-ThreadJob and runspace pools import the module
    afresh and have no connection. Connect-DelegatedAdmin -Context $using:context hands them the caller's; this
    copies it so that each runspace owns (and on Disconnect-DelegatedAdmin disposes) its own secrets. The secrets
    stay SecureStrings: no plain text is made here. A certificate object (-CertificateThumbprint, -Certificate) is
    shared, not copied; the cached client assertion is not copied (each runspace signs its own).

    .PARAMETER Connection
    The DelegatedAdmin.Connection to copy.

    .OUTPUTS
    PSCustomObject (DelegatedAdmin.Connection).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Connection
    )

    $copySecret = {
        param($secret)
        if ($secret -is [System.Security.SecureString]) {
            $copy = $secret.Copy()
            $copy.MakeReadOnly()
            return $copy
        }
        return $null
    }
    $tokens = @{}
    $sourceTokens = $Connection.AccessTokens
    if ($sourceTokens -is [System.Collections.IDictionary]) {
        foreach ($service in @($sourceTokens.Keys)) {
            $tokens[$service] = & $copySecret $sourceTokens[$service]
        }
    }
    $endpoints = @{}
    foreach ($service in @($Connection.Endpoints.Keys)) {
        $endpoints[$service] = $Connection.Endpoints[$service]
    }
    $proxy = $null
    if ($null -ne $Connection.Proxy) {
        $proxyCredential = $null
        if ($Connection.Proxy.Credential -is [System.Management.Automation.PSCredential]) {
            $proxyCredential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $Connection.Proxy.Credential.UserName, (& $copySecret $Connection.Proxy.Credential.Password)
        }
        $proxy = [pscustomobject]@{
            Mode       = $Connection.Proxy.Mode
            Url        = $Connection.Proxy.Url
            Credential = $proxyCredential
        }
    }
    $identity = $null
    if ($null -ne $Connection.ManagedIdentity) {
        $identity = [pscustomobject]@{ Kind = $Connection.ManagedIdentity.Kind; Id = $Connection.ManagedIdentity.Id }
    }
    [pscustomobject]@{
        PSTypeName            = 'DelegatedAdmin.Connection'
        AuthKind              = $Connection.AuthKind
        TenantId              = $Connection.TenantId
        TenantSource          = $Connection.TenantSource
        ClientId              = $Connection.ClientId
        ClientSecret          = & $copySecret $Connection.ClientSecret
        RefreshToken          = & $copySecret $Connection.RefreshToken
        AccessToken           = & $copySecret $Connection.AccessToken
        AccessTokens          = $tokens
        ManagedIdentity       = $identity
        CertificatePath       = $Connection.CertificatePath
        CertificatePassword   = & $copySecret $Connection.CertificatePassword
        CertificateThumbprint = $Connection.CertificateThumbprint
        Certificate           = $Connection.Certificate
        SignatureAlgorithm    = $Connection.SignatureAlgorithm
        AssertionCache        = $null
        Cloud                 = $Connection.Cloud
        Authority             = $Connection.Authority
        Endpoints             = $endpoints
        Proxy                 = $proxy
        TimeoutSeconds        = $Connection.TimeoutSeconds
        MaxRetries            = $Connection.MaxRetries
        Scope                 = $Connection.Scope
        ConnectedAt           = $Connection.ConnectedAt
    }
}
