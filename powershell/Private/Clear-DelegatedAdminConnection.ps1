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
    foreach ($name in @('ClientSecret', 'RefreshToken', 'AccessToken')) {
        $secret = $connection.$name
        if ($secret -is [System.Security.SecureString]) {
            $secret.Dispose()
        }
    }
}
