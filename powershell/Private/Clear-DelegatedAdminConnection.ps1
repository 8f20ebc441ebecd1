function Clear-DelegatedAdminConnection {
    <#
    .SYNOPSIS
    Forgets the module-scope connection and disposes its SecureStrings.

    .DESCRIPTION
    Used by Disconnect-DelegatedAdmin, by Connect-DelegatedAdmin before it stores a new connection, and when
    the module is removed. Disposes the client secret, refresh token, access tokens, certificate password, cached
    client assertion and proxy password (the copies Connect-DelegatedAdmin made; the caller's stay theirs). A
    certificate object is not disposed: it may be the caller's, or shared with other runspaces' copies.

    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    $connection = $script:DelegatedAdminConnection
    $script:DelegatedAdminConnection = $null
    if ($null -eq $connection) {
        return
    }
    $secrets = @($connection.ClientSecret, $connection.RefreshToken, $connection.AccessToken, $connection.CertificatePassword)
    if ($connection.AccessTokens -is [System.Collections.IDictionary]) {
        $secrets += @($connection.AccessTokens.Values)
    }
    if ($null -ne $connection.AssertionCache) {
        $secrets += @($connection.AssertionCache.Assertion)
    }
    if ($null -ne $connection.Proxy -and $connection.Proxy.Credential -is [System.Management.Automation.PSCredential]) {
        $secrets += @($connection.Proxy.Credential.Password)
    }
    foreach ($secret in $secrets) {
        if ($secret -is [System.Security.SecureString]) {
            $secret.Dispose()
        }
    }
}
