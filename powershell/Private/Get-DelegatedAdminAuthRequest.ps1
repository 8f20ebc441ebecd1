function Get-DelegatedAdminAuthRequest {
    <#
    .SYNOPSIS
    The "auth" object of a native request, built from a connection: the one place where its SecureStrings
    become plain text.

    .DESCRIPTION
    AccessToken connections give {accessToken} with the token of -Service (Connect-DelegatedAdmin
    -PartnerCenterAccessToken and the like), else the one given with -AccessToken; none is an error that names the
    parameter to use. ClientSecret connections {tenantId, clientId, clientSecret};
    RefreshToken and DeviceCode connections {tenantId, clientId, refreshToken[, clientSecret]} (the refresh token
    grant). The caller serializes it into one request's JSON and then clears it (.Clear()) at once, in a finally
    block, so that no plain-text copy outlives the call.

    .PARAMETER Connection
    The connection (see Connect-DelegatedAdmin).

    .PARAMETER Service
    The service the request goes to: PartnerCenter, CustomerAdmin, ResourceManager, CloudCockpit or Identity.

    .PARAMETER AllServices
    The request reaches several services (the access ledger): an AccessToken connection with tokens per service
    gives {accessTokens: {customerAdmin, partnerCenter, resourceManager, cloudCockpit, graph}}, each service's own
    token, else the one given with -AccessToken; a service with neither is left out (the library then reports
    it, or skips Resource Manager). Other connections are unchanged: their credential gets a token per service.

    .OUTPUTS
    System.Collections.Specialized.OrderedDictionary
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Connection,

        [Parameter()]
        [ValidateSet('PartnerCenter', 'CustomerAdmin', 'ResourceManager', 'CloudCockpit', 'Identity')]
        [string] $Service = 'PartnerCenter',

        [Parameter()]
        [switch] $AllServices
    )

    $auth = [ordered]@{}
    $perService = $Connection.AccessTokens -is [System.Collections.IDictionary] -and $Connection.AccessTokens.Count -gt 0
    if ($AllServices -and $Connection.AuthKind -eq 'AccessToken' -and $perService) {
        $tokens = [ordered]@{}
        foreach ($pair in @(
                @('customerAdmin', 'CustomerAdmin'),
                @('partnerCenter', 'PartnerCenter'),
                @('resourceManager', 'ResourceManager'),
                @('cloudCockpit', 'CloudCockpit'),
                @('graph', 'Graph'))) {
            $token = $null
            if ($Connection.AccessTokens.ContainsKey($pair[1])) {
                $token = $Connection.AccessTokens[$pair[1]]
            }
            if ($null -eq $token) {
                $token = $Connection.AccessToken
            }
            if ($null -ne $token) {
                $tokens[$pair[0]] = ConvertFrom-DelegatedAdminSecureString -SecureString $token
            }
        }
        $auth['accessTokens'] = $tokens
        return $auth
    }
    switch ($Connection.AuthKind) {
        'AccessToken' {
            $token = $null
            if ($Connection.AccessTokens -is [System.Collections.IDictionary] -and $Connection.AccessTokens.ContainsKey($Service)) {
                $token = $Connection.AccessTokens[$Service]
            }
            if ($null -eq $token) {
                $token = $Connection.AccessToken
            }
            if ($null -eq $token) {
                $parameter = @{
                    PartnerCenter   = '-PartnerCenterAccessToken (audience https://api.partnercenter.microsoft.com)'
                    CustomerAdmin   = '-CustomerAdminAccessToken (audience https://api.partnercustomeradministration.microsoft.com)'
                    ResourceManager = '-ResourceManagerAccessToken (audience https://management.azure.com)'
                    CloudCockpit    = '-CloudCockpitAccessToken'
                    Identity        = '-AccessToken'
                }[$Service]
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ('This connection has no access token for {0}: run Connect-DelegatedAdmin again with {1}, or with -AccessToken.' -f $Service, $parameter) -ErrorId 'DelegatedAdmin.NotConnected.NoAccessToken' -Category InvalidOperation -TargetObject $Service
                throw $record
            }
            $auth['accessToken'] = ConvertFrom-DelegatedAdminSecureString -SecureString $token
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
