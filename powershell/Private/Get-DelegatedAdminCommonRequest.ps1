function Get-DelegatedAdminCommonRequest {
    <#
    .SYNOPSIS
    The fields every native request of a connection carries: auth, cloud, authority, endpoints, proxy,
    timeoutSeconds, maxRetries (docs/api.md, "Fields every request accepts").

    .DESCRIPTION
    - cloud: the library's name (usGovernment, china) or a custom cloud object (USGovDoD); nothing for Public,
      the library's default.
    - authority: only when the connection names one (-Authority, or -Endpoint); else the cloud's is used.
    - endpoints: {partnerCenter, customerAdmin, cloudCockpit, resourceManager, graph}, only the services the
      connection overrides (-Endpoint sets all of them); the others follow the cloud. One call may reach several
      services (the cleanup's plan: the customers API and Graph; its apply: Partner Center too), each at its own.
    - proxy: "none", a URL, or {url, username, password} (-Proxy, -ProxyCredential); nothing means the
      environment's HTTPS_PROXY/NO_PROXY, the library's default.
    - auth: Get-DelegatedAdminAuthRequest for -Service, unless -NoAuth.
    auth and proxy may hold plain-text secrets: merge the result into the request, serialize it, and then call
    Clear-DelegatedAdminRequestSecret in a finally block.

    .PARAMETER Connection
    The connection.

    .PARAMETER Service
    The services the request goes to (see Get-DelegatedAdminAuthRequest).

    .PARAMETER NoAuth
    Leave auth out (identity calls that take no credential: the device code and interactive sign-in flows).

    .OUTPUTS
    System.Collections.Specialized.OrderedDictionary
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Connection,

        [Parameter()]
        [string[]] $Service = @('PartnerCenter'),

        [Parameter()]
        [switch] $NoAuth
    )

    $common = [ordered]@{}
    $cloudName = [string]$Connection.Cloud
    if (-not [string]::IsNullOrEmpty($cloudName) -and $cloudName -ne 'Public') {
        $common['cloud'] = (Get-DelegatedAdminCloud -Name $cloudName).Request
    }
    if (-not [string]::IsNullOrEmpty([string]$Connection.Authority)) {
        $common['authority'] = [string]$Connection.Authority
    }
    $ids = [ordered]@{
        PartnerCenter   = 'partnerCenter'
        CustomerAdmin   = 'customerAdmin'
        CloudCockpit    = 'cloudCockpit'
        ResourceManager = 'resourceManager'
        Graph           = 'graph'
    }
    $endpoints = [ordered]@{}
    if ($Connection.Endpoints -is [System.Collections.IDictionary]) {
        foreach ($name in @($ids.Keys)) {
            $value = [string]$Connection.Endpoints[$name]
            if (-not [string]::IsNullOrEmpty($value)) {
                $endpoints[$ids[$name]] = $value
            }
        }
    }
    if ($endpoints.Count -gt 0) {
        $common['endpoints'] = $endpoints
    }
    $proxy = $Connection.Proxy
    if ($null -ne $proxy) {
        if ($proxy.Mode -eq 'None') {
            $common['proxy'] = 'none'
        }
        elseif ($null -eq $proxy.Credential) {
            $common['proxy'] = [string]$proxy.Url
        }
        else {
            $common['proxy'] = [ordered]@{
                url      = [string]$proxy.Url
                username = $proxy.Credential.UserName
                password = ConvertFrom-DelegatedAdminSecureString -SecureString $proxy.Credential.Password
            }
        }
    }
    if ($null -ne $Connection.TimeoutSeconds) {
        $common['timeoutSeconds'] = $Connection.TimeoutSeconds
    }
    if ($null -ne $Connection.MaxRetries) {
        $common['maxRetries'] = $Connection.MaxRetries
    }
    if (-not $NoAuth) {
        try {
            $common['auth'] = Get-DelegatedAdminAuthRequest -Connection $Connection -Service $Service
        }
        catch {
            Clear-DelegatedAdminRequestSecret -Request $common
            throw
        }
    }
    return $common
}
