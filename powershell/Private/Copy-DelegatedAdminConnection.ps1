function Copy-DelegatedAdminConnection {
    <#
    .SYNOPSIS
    A copy of a connection, with copies of its SecureStrings, for another runspace (Connect-DelegatedAdmin -Context).

    .DESCRIPTION
    Module state is per runspace: ForEach-Object -Parallel, Start-ThreadJob and runspace pools import the module
    afresh and have no connection. Connect-DelegatedAdmin -Context $using:context hands them the caller's; this
    copies it so that each runspace owns (and on Disconnect-DelegatedAdmin disposes) its own secrets. The secrets
    stay SecureStrings: no plain text is made here.

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
    [pscustomobject]@{
        PSTypeName     = 'DelegatedAdmin.Connection'
        AuthKind       = $Connection.AuthKind
        TenantId       = $Connection.TenantId
        TenantSource   = $Connection.TenantSource
        ClientId       = $Connection.ClientId
        ClientSecret   = & $copySecret $Connection.ClientSecret
        RefreshToken   = & $copySecret $Connection.RefreshToken
        AccessToken    = & $copySecret $Connection.AccessToken
        AccessTokens   = $tokens
        Authority      = $Connection.Authority
        Endpoints      = $endpoints
        TimeoutSeconds = $Connection.TimeoutSeconds
        MaxRetries     = $Connection.MaxRetries
        Scope          = $Connection.Scope
        ConnectedAt    = $Connection.ConnectedAt
    }
}
