function Clear-DelegatedAdminConnection {
    <#
    .SYNOPSIS
    Forgets the module-scope connection and disposes its SecureStrings.

    .DESCRIPTION
    Used by Disconnect-DelegatedAdmin, by Connect-DelegatedAdmin before it stores a new connection, and when
    the module is removed.

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
    $secrets = @($connection.ClientSecret, $connection.RefreshToken, $connection.AccessToken)
    if ($connection.AccessTokens -is [System.Collections.IDictionary]) {
        $secrets += @($connection.AccessTokens.Values)
    }
    foreach ($secret in $secrets) {
        if ($secret -is [System.Security.SecureString]) {
            $secret.Dispose()
        }
    }
}
