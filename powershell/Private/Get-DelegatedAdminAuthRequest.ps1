function Get-DelegatedAdminAuthRequest {
    <#
    .SYNOPSIS
    The "auth" object of a native request, built from a connection: the one place where its SecureStrings
    become plain text.

    .DESCRIPTION
    AccessToken connections give {accessToken}; ClientSecret connections {tenantId, clientId, clientSecret};
    RefreshToken and DeviceCode connections {tenantId, clientId, refreshToken[, clientSecret]} (the refresh token
    grant). The caller serializes it into one request's JSON and then clears it (.Clear()) at once, in a finally
    block, so that no plain-text copy outlives the call.

    .PARAMETER Connection
    The connection (see Connect-DelegatedAdmin).

    .OUTPUTS
    System.Collections.Specialized.OrderedDictionary
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Connection
    )

    $auth = [ordered]@{}
    switch ($Connection.AuthKind) {
        'AccessToken' {
            $auth['accessToken'] = ConvertFrom-DelegatedAdminSecureString -SecureString $Connection.AccessToken
        }
        'ClientSecret' {
            $auth['tenantId'] = $Connection.TenantId
            $auth['clientId'] = $Connection.ClientId
            $auth['clientSecret'] = ConvertFrom-DelegatedAdminSecureString -SecureString $Connection.ClientSecret
        }
        default {
            # RefreshToken and DeviceCode connections both use the refresh token grant.
            $auth['tenantId'] = $Connection.TenantId
            $auth['clientId'] = $Connection.ClientId
            $auth['refreshToken'] = ConvertFrom-DelegatedAdminSecureString -SecureString $Connection.RefreshToken
            if ($null -ne $Connection.ClientSecret) {
                $auth['clientSecret'] = ConvertFrom-DelegatedAdminSecureString -SecureString $Connection.ClientSecret
            }
        }
    }
    return $auth
}
