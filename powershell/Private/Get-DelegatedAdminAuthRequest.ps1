function Get-DelegatedAdminAuthRequest {
    <#
    .SYNOPSIS
    The "auth" object of a native request, built from a connection: the one place where its SecureStrings
    become plain text.

    .DESCRIPTION
    By the connection's AuthKind (Connect-DelegatedAdmin's parameter set):
    - AccessToken: {accessToken} when only -AccessToken was given; with per-service tokens
      (-PartnerCenterAccessToken, -GraphAccessToken and the like) {accessTokens: {partnerCenter, customerAdmin,
      resourceManager, cloudCockpit, graph}}, each service's own token or else the -AccessToken one, so that a call
      that reaches several services (the cleanup's plan lists customers and asks Graph) gives each its own token.
      A service of -Service without any token is an error that names the parameter to use, before anything is sent.
    - ClientSecret: {tenantId, clientId, clientSecret}.
    - RefreshToken, DeviceCode and Interactive: {tenantId, clientId, refreshToken[, clientSecret]} (the refresh
      token grant).
    - ManagedIdentity: {managedIdentity: true | {clientId} | {objectId} | {resourceId}}.
    - CertificatePath: {tenantId, clientId, certificatePath[, certificatePassword][, signatureAlgorithm]}: the
      library reads the PEM or PFX file and signs each client assertion itself.
    - CertificateThumbprint and Certificate: {tenantId, clientId, clientAssertion}: an assertion signed in .NET with
      the certificate's key (Get-DelegatedAdminClientAssertion), for keys the library cannot read (the Windows
      certificate store, non-exportable keys).
    The caller serializes it into one request's JSON and then clears it (Clear-DelegatedAdminRequestSecret) at
    once, in a finally block, so that no plain-text copy outlives the call.

    .PARAMETER Connection
    The connection (see Connect-DelegatedAdmin).

    .PARAMETER Service
    The services the request goes to: PartnerCenter, CustomerAdmin, ResourceManager, CloudCockpit, Graph, Identity,
    or Any (readiness: whatever tokens the connection has).

    .OUTPUTS
    System.Collections.Specialized.OrderedDictionary
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Connection,

        [Parameter()]
        [ValidateSet('PartnerCenter', 'CustomerAdmin', 'ResourceManager', 'CloudCockpit', 'Graph', 'Identity', 'Any')]
        [string[]] $Service = @('PartnerCenter')
    )

    $auth = [ordered]@{}
    switch ($Connection.AuthKind) {
        'AccessToken' {
            $tokens = @{}
            if ($Connection.AccessTokens -is [System.Collections.IDictionary]) {
                $tokens = $Connection.AccessTokens
            }
            foreach ($name in $Service) {
                if ($name -eq 'Any') {
                    continue
                }
                $token = $null
                if ($tokens.Contains($name)) {
                    $token = $tokens[$name]
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
                        Graph           = '-GraphAccessToken (audience https://graph.microsoft.com)'
                        Identity        = '-AccessToken'
                    }[$name]
                    $record = ConvertTo-DelegatedAdminErrorRecord -Message ('This connection has no access token for {0}: run Connect-DelegatedAdmin again with {1}, or with -AccessToken.' -f $name, $parameter) -ErrorId 'DelegatedAdmin.NotConnected.NoAccessToken' -Category InvalidOperation -TargetObject $name
                    throw $record
                }
            }
            if ($tokens.Count -eq 0) {
                $auth['accessToken'] = ConvertFrom-DelegatedAdminSecureString -SecureString $Connection.AccessToken
            }
            else {
                $perService = [ordered]@{}
                $ids = [ordered]@{
                    PartnerCenter   = 'partnerCenter'
                    CustomerAdmin   = 'customerAdmin'
                    ResourceManager = 'resourceManager'
                    CloudCockpit    = 'cloudCockpit'
                    Graph           = 'graph'
                }
                foreach ($name in @($ids.Keys)) {
                    $token = $null
                    if ($tokens.Contains($name)) {
                        $token = $tokens[$name]
                    }
                    if ($null -eq $token) {
                        $token = $Connection.AccessToken
                    }
                    if ($null -ne $token) {
                        $perService[$ids[$name]] = ConvertFrom-DelegatedAdminSecureString -SecureString $token
                    }
                }
                $auth['accessTokens'] = $perService
            }
        }
        'ClientSecret' {
            $auth['tenantId'] = $Connection.TenantId
            $auth['clientId'] = $Connection.ClientId
            $auth['clientSecret'] = ConvertFrom-DelegatedAdminSecureString -SecureString $Connection.ClientSecret
        }
        'ManagedIdentity' {
            $identity = $Connection.ManagedIdentity
            if ($null -eq $identity -or $identity.Kind -eq 'SystemAssigned') {
                $auth['managedIdentity'] = $true
            }
            else {
                $key = @{ ClientId = 'clientId'; ObjectId = 'objectId'; ResourceId = 'resourceId' }[[string]$identity.Kind]
                $auth['managedIdentity'] = [ordered]@{ $key = [string]$identity.Id }
            }
        }
        'CertificatePath' {
            $auth['tenantId'] = $Connection.TenantId
            $auth['clientId'] = $Connection.ClientId
            $auth['certificatePath'] = $Connection.CertificatePath
            if ($null -ne $Connection.CertificatePassword) {
                $auth['certificatePassword'] = ConvertFrom-DelegatedAdminSecureString -SecureString $Connection.CertificatePassword
            }
            if (-not [string]::IsNullOrEmpty([string]$Connection.SignatureAlgorithm)) {
                $auth['signatureAlgorithm'] = [string]$Connection.SignatureAlgorithm
            }
        }
        { $_ -eq 'CertificateThumbprint' -or $_ -eq 'Certificate' } {
            $auth['tenantId'] = $Connection.TenantId
            $auth['clientId'] = $Connection.ClientId
            $auth['clientAssertion'] = Get-DelegatedAdminClientAssertion -Connection $Connection
        }
        default {
            # RefreshToken, DeviceCode and Interactive connections use the refresh token grant.
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
