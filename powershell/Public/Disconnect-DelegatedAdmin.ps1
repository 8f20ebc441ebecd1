function Disconnect-DelegatedAdmin {
    <#
    .SYNOPSIS
    Forgets the connection made by Connect-DelegatedAdmin.

    .DESCRIPTION
    Disposes the module's copies of the client secret, refresh token or access token and clears the connection,
    so that the other cmdlets refuse to run until Connect-DelegatedAdmin is called again. Tokens the native
    library cached for this process expire on their own (at most about an hour); nothing is revoked at the
    identity platform. Disconnecting when not connected does nothing.

    .EXAMPLE
    Disconnect-DelegatedAdmin

    .EXAMPLE
    Disconnect-DelegatedAdmin -Verbose

    Says whether a connection was cleared.

    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    if ($null -eq $script:DelegatedAdminConnection) {
        Write-Verbose 'DelegatedAdmin: not connected; nothing to clear.'
        return
    }
    $tenant = $script:DelegatedAdminConnection.TenantId
    Clear-DelegatedAdminConnection
    Write-Verbose ('DelegatedAdmin: disconnected from tenant {0}.' -f $tenant)
}
