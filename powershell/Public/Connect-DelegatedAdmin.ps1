function Connect-DelegatedAdmin {
    <#
    .SYNOPSIS
    Chooses how the DelegatedAdmin cmdlets authenticate, in which cloud, through which proxy, and which endpoints
    they call, for this session.

    .DESCRIPTION
    Stores one connection in module scope; every other cmdlet of the module uses it until
    Disconnect-DelegatedAdmin or the next Connect-DelegatedAdmin. Secrets (client secret, refresh token, access
    tokens, certificate password, proxy password, the client assertion signed with a certificate) are kept as
    SecureString copies and turned into plain text only for the JSON of each native call; Get-DelegatedAdminContext,
    -Verbose, errors and ToString() never show them.

    Ways to authenticate (parameter sets):
    - ClientSecret: -ClientId and -ClientSecret (client credentials).
    - Credential: -Credential, whose user name is the client id and whose password is the client secret.
    - CertificatePath: -ClientId and -CertificatePath, a PEM file (certificate and private key) or a PFX/PKCS#12
      file with -CertificatePassword: the library signs a client assertion (PS256 with the x5t#S256 header, or
      RS256 with -SignatureAlgorithm RS256) for each token request. An expired certificate, a wrong password or a
      key that does not match the certificate is refused before anything is sent.
    - CertificateThumbprint: -ClientId and -CertificateThumbprint, a certificate with its private key in
      Cert:\CurrentUser\My or Cert:\LocalMachine\My (on Linux and macOS, .NET's certificate store of the user), as
      Connect-MgGraph takes it. The key stays in .NET: the module signs the client assertion (a JWT for the token
      endpoint, valid ten minutes, reused while it has five minutes left) and gives the library only the assertion.
    - Certificate: -ClientId and -Certificate, an X509Certificate2 with its private key (Get-Item Cert:\..., or
      Get-PfxCertificate); signed in .NET like -CertificateThumbprint.
    - ManagedIdentity: -ManagedIdentity, the managed identity of the Azure host (Azure Automation, App Service,
      Functions: IDENTITY_ENDPOINT and IDENTITY_HEADER; older App Service: MSI_ENDPOINT and MSI_SECRET; a virtual
      machine: the instance metadata service). System-assigned by default; a user-assigned one with
      -ManagedIdentityClientId, -ManagedIdentityObjectId or -ManagedIdentityResourceId.
    - RefreshToken: -ClientId and -RefreshToken (the partner Secure Application Model), optional -ClientSecret.
    - DeviceCode: -ClientId -DeviceCode; prints the sign-in message, waits until you sign in (Ctrl+C stops it),
      then keeps the refresh token it received (App+User, which Partner Center's DAP operations require).
    - Interactive: -ClientId -Interactive; opens the sign-in page in the browser (authorization code with PKCE and a
      loopback redirect to http://localhost, as Connect-MgGraph does by default; for admins whose Conditional
      Access blocks the device code flow), waits until you sign in (Ctrl+C stops it and closes the listener), then
      keeps the refresh token. The app registration needs the redirect URI http://localhost (mobile and desktop
      platform).
    - AccessToken: bearer tokens you obtained yourself (for example with Get-MsalToken). Each service accepts
      only a token issued for its own audience, so give one per service you call: -PartnerCenterAccessToken
      (https://api.partnercenter.microsoft.com: DAP removal, and the cleanup's removals),
      -CustomerAdminAccessToken (https://api.partnercustomeradministration.microsoft.com: listing customers, the
      cleanup's plan and recheck), -GraphAccessToken (https://graph.microsoft.com: the GDAP cmdlets and the
      cleanup's GDAP rule), -ResourceManagerAccessToken (https://management.azure.com: Lighthouse) and
      -CloudCockpitAccessToken (CloudCockpit). -AccessToken is used for every service without a token of its own.
    - Context: the connection of another runspace (Get-DelegatedAdminContext), for ForEach-Object -Parallel,
      Start-ThreadJob and runspace pools: module state is per runspace, so each one connects with -Context
      $using:context (its secrets are copied, never shown, and not validated again).

    -Cloud picks the national cloud: the authority, every service's endpoint and every token's audience follow it
    (Public, USGov, USGovDoD, China). The Partner Customer Delegated Administration API and CloudCockpit exist in
    the public cloud only. -Proxy sends every request through a proxy (with -ProxyCredential when it asks for
    one); by default the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables are honoured.

    When -TenantId is omitted and you are connected to Microsoft Graph (Connect-MgGraph), the tenant of
    Get-MgContext is used. The credentials are checked once by acquiring a Partner Center token (of the cloud),
    unless -SkipValidation is given (AccessToken, DeviceCode and Interactive connections are not checked again).

    .PARAMETER TenantId
    The partner tenant (GUID or verified domain). Defaults to the tenant of Get-MgContext when you ran
    Connect-MgGraph in this session; for -DeviceCode and -Interactive, otherwise to 'organizations'.

    .PARAMETER ClientId
    The application (client) id of the partner's app registration.

    .PARAMETER ClientSecret
    The client secret, as a SecureString (for example from Read-Host -AsSecureString or Get-Secret).

    .PARAMETER Credential
    A PSCredential whose user name is the client id and whose password is the client secret.

    .PARAMETER CertificatePath
    A certificate file with its private key: PEM (the certificate and a PKCS#8 or PKCS#1 RSA key) or PFX/PKCS#12.
    Register the certificate (its public part) on the app registration.

    .PARAMETER CertificatePassword
    The PFX file's password, as a SecureString.

    .PARAMETER CertificateThumbprint
    The SHA-1 thumbprint of a certificate with its private key in Cert:\CurrentUser\My or Cert:\LocalMachine\My
    (searched in that order; on Linux and macOS, .NET's CurrentUser\My store).

    .PARAMETER Certificate
    An X509Certificate2 with its private key.

    .PARAMETER SignatureAlgorithm
    How client assertions are signed: PS256 (the default: RSA-PSS, with the x5t#S256 header) or RS256 (PKCS#1
    v1.5, with the x5t header), for key providers that cannot do RSA-PSS.

    .PARAMETER ManagedIdentity
    Authenticates as the managed identity of the Azure host the command runs on.

    .PARAMETER ManagedIdentityClientId
    A user-assigned managed identity, by its client (application) id.

    .PARAMETER ManagedIdentityObjectId
    A user-assigned managed identity, by its object (principal) id.

    .PARAMETER ManagedIdentityResourceId
    A user-assigned managed identity, by its Azure resource id
    (/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/...).

    .PARAMETER RefreshToken
    A refresh token of the partner Secure Application Model, as a SecureString.

    .PARAMETER DeviceCode
    Signs in interactively with the device code flow.

    .PARAMETER Interactive
    Signs in interactively in the browser (authorization code with PKCE and a loopback redirect).

    .PARAMETER LoginHint
    With -Interactive: the user name the sign-in page proposes.

    .PARAMETER Scope
    The scope requested by the device code and interactive flows. The default asks for Partner Center (of the
    cloud) with offline_access, so that a refresh token is issued; the identity platform exchanges it for the
    other services' tokens.

    .PARAMETER AccessToken
    A bearer access token, as a SecureString, for every service that has no token of its own below.

    .PARAMETER PartnerCenterAccessToken
    A bearer token for Partner Center (audience https://api.partnercenter.microsoft.com), as a SecureString.

    .PARAMETER CustomerAdminAccessToken
    A bearer token for the delegated admin customers API (audience
    https://api.partnercustomeradministration.microsoft.com), as a SecureString.

    .PARAMETER GraphAccessToken
    A bearer token for Microsoft Graph (audience https://graph.microsoft.com, with DelegatedAdminRelationship.Read.All
    or .ReadWrite.All), as a SecureString: the GDAP cmdlets and the DAP cleanup's GDAP rule need it.

    .PARAMETER ResourceManagerAccessToken
    A bearer token for Azure Resource Manager (audience https://management.azure.com), as a SecureString.

    .PARAMETER CloudCockpitAccessToken
    A bearer token for the CloudCockpit API, as a SecureString.

    .PARAMETER Context
    A DelegatedAdmin.Context from Get-DelegatedAdminContext (or Connect-DelegatedAdmin -PassThru) in another
    runspace: connects this runspace the same way.

    .PARAMETER Cloud
    The cloud: Public (the default), USGov (US Government: login.microsoftonline.us, management.usgovcloudapi.net,
    graph.microsoft.us), USGovDoD (the same with Graph at dod-graph.microsoft.us) or China (operated by 21Vianet:
    login.partner.microsoftonline.cn). Every default endpoint and token audience follows it.

    .PARAMETER Authority
    The identity authority, when it is not the cloud's (for example a private endpoint). Defaults to the
    cloud's, or to -Endpoint when that is given.

    .PARAMETER Endpoint
    One base URL (scheme, host, port) for every service and the authority, for example the local emulator
    http://127.0.0.1:8787. The per-service parameters override it.

    .PARAMETER PartnerCenterEndpoint
    The Partner Center base URL (DAP removal). Default: the cloud's (https://api.partnercenter.microsoft.com).

    .PARAMETER CustomerAdminEndpoint
    The delegated admin customers API base URL. Default https://traf-pcsvcadmin-prod.trafficmanager.net.

    .PARAMETER CloudCockpitEndpoint
    The CloudCockpit API base URL. Default https://api.cloudcockpit.com.

    .PARAMETER ResourceManagerEndpoint
    The Azure Resource Manager base URL (Lighthouse). Default: the cloud's (https://management.azure.com).

    .PARAMETER GraphEndpoint
    The Microsoft Graph base URL (GDAP). Default: the cloud's (https://graph.microsoft.com).

    .PARAMETER Proxy
    The proxy every request goes through: a URL (http://proxy.contoso.com:3128), 'None' (no proxy, whatever the
    environment says) or 'Environment' (the default: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY).

    .PARAMETER ProxyCredential
    The user name and password the proxy asks for (with a -Proxy URL). The password is kept as a SecureString.

    .PARAMETER TimeoutSeconds
    The deadline of each call, retries included (the library's default is 100).

    .PARAMETER MaxRetries
    How many times a throttled (429), failed (5xx) or unreachable call is retried (the library's default is 4).

    .PARAMETER SkipValidation
    Stores the connection without acquiring a token first.

    .PARAMETER PassThru
    Returns the new context (as Get-DelegatedAdminContext does).

    .EXAMPLE
    Connect-DelegatedAdmin -TenantId contoso.onmicrosoft.com -ClientId 6f1a... -ClientSecret (Read-Host -AsSecureString 'Client secret')

    Connects with client credentials.

    .EXAMPLE
    Connect-DelegatedAdmin -TenantId $partnerTenantId -ClientId $appId -CertificateThumbprint 1B2C...9F

    Connects with a certificate of the user's (or the computer's) certificate store, as Connect-MgGraph does.

    .EXAMPLE
    Connect-DelegatedAdmin -TenantId $partnerTenantId -ClientId $appId -CertificatePath ./partner-app.pfx -CertificatePassword (Read-Host -AsSecureString 'PFX password')

    Connects with a certificate file (PFX, or PEM without a password).

    .EXAMPLE
    Connect-DelegatedAdmin -ManagedIdentity
    Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 30

    In an Azure Automation runbook: the account's system-assigned managed identity (needs Microsoft Graph's
    DelegatedAdminRelationship.Read.All application permission).

    .EXAMPLE
    Connect-DelegatedAdmin -ManagedIdentity -ManagedIdentityClientId $userAssignedClientId -Cloud USGov

    A user-assigned managed identity in the US Government cloud.

    .EXAMPLE
    Connect-MgGraph -Scopes 'DelegatedAdminRelationship.Read.All'
    Connect-DelegatedAdmin -ClientId $appId -RefreshToken (Get-Secret -Name PartnerRefreshToken)

    Uses the tenant you signed in to with Connect-MgGraph and the Secure Application Model refresh token.

    .EXAMPLE
    Connect-DelegatedAdmin -TenantId $partnerTenantId -ClientId $appId -Interactive

    Opens the sign-in page in the browser, waits for you to sign in (with MFA), and keeps the refresh token for
    this session.

    .EXAMPLE
    Connect-DelegatedAdmin -TenantId $partnerTenantId -ClientId $appId -DeviceCode

    Prints "To sign in, use a web browser to open the page ... and enter the code ...", waits for you to sign in,
    and keeps the refresh token for this session.

    .EXAMPLE
    Connect-DelegatedAdmin -Credential (Get-Credential -UserName $appId -Message 'Client secret') -TenantId $partnerTenantId -Proxy http://proxy.contoso.com:3128 -ProxyCredential (Get-Credential -Message 'Proxy')

    Client credentials, through an authenticating proxy.

    .EXAMPLE
    $customerAdmin = Get-MsalToken -ClientId $appId -TenantId $partnerTenantId -Scopes 'https://api.partnercustomeradministration.microsoft.com/user_impersonation'
    $partnerCenter = Get-MsalToken -ClientId $appId -TenantId $partnerTenantId -Scopes 'https://api.partnercenter.microsoft.com/user_impersonation'
    $graph = Get-MsalToken -ClientId $appId -TenantId $partnerTenantId -Scopes 'DelegatedAdminRelationship.Read.All'
    Connect-DelegatedAdmin -CustomerAdminAccessToken (ConvertTo-SecureString $customerAdmin.AccessToken -AsPlainText -Force) -PartnerCenterAccessToken (ConvertTo-SecureString $partnerCenter.AccessToken -AsPlainText -Force) -GraphAccessToken (ConvertTo-SecureString $graph.AccessToken -AsPlainText -Force)

    Brings one token per service (App+User, signed in with MSAL.PS): lists customers, checks GDAP and removes DAP
    relationships.

    .EXAMPLE
    $context = Get-DelegatedAdminContext
    $ids | ForEach-Object -Parallel {
        Import-Module DelegatedAdmin
        Connect-DelegatedAdmin -Context $using:context
        Remove-DelegatedAdminDapRelationship -CustomerTenantId $_ -Force
    } -ThrottleLimit 4

    PowerShell 7: the connection of this session in parallel runspaces (also Start-ThreadJob -ScriptBlock { ... }
    with $using:context). For thousands of customers prefer Invoke-DelegatedAdminDapCleanup, which paces itself.

    .EXAMPLE
    Connect-DelegatedAdmin -Endpoint http://127.0.0.1:8787 -TenantId $fixtures.tenantId -ClientId $fixtures.clientId -ClientSecret $secret -PassThru

    Talks to the local emulator (identity, Partner Center, delegated admin customers, CloudCockpit, ARM and Graph).

    .OUTPUTS
    None, or DelegatedAdmin.Context with -PassThru.
    #>
    [CmdletBinding(DefaultParameterSetName = 'ClientSecret')]
    [OutputType('DelegatedAdmin.Context')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'The device code message must reach the person at the console, whatever the output streams do.')]
    param(
        [Parameter(ParameterSetName = 'ClientSecret')]
        [Parameter(ParameterSetName = 'Credential')]
        [Parameter(ParameterSetName = 'CertificatePath')]
        [Parameter(ParameterSetName = 'CertificateThumbprint')]
        [Parameter(ParameterSetName = 'Certificate')]
        [Parameter(ParameterSetName = 'RefreshToken')]
        [Parameter(ParameterSetName = 'DeviceCode')]
        [Parameter(ParameterSetName = 'Interactive')]
        [ValidateNotNullOrEmpty()]
        [string] $TenantId,

        [Parameter(Mandatory = $true, ParameterSetName = 'ClientSecret')]
        [Parameter(Mandatory = $true, ParameterSetName = 'CertificatePath')]
        [Parameter(Mandatory = $true, ParameterSetName = 'CertificateThumbprint')]
        [Parameter(Mandatory = $true, ParameterSetName = 'Certificate')]
        [Parameter(Mandatory = $true, ParameterSetName = 'RefreshToken')]
        [Parameter(Mandatory = $true, ParameterSetName = 'DeviceCode')]
        [Parameter(Mandatory = $true, ParameterSetName = 'Interactive')]
        [ValidateNotNullOrEmpty()]
        [Alias('ApplicationId', 'AppId')]
        [string] $ClientId,

        [Parameter(Mandatory = $true, ParameterSetName = 'ClientSecret')]
        [Parameter(ParameterSetName = 'RefreshToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $ClientSecret,

        [Parameter(Mandatory = $true, ParameterSetName = 'Credential')]
        [ValidateNotNull()]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [Parameter(Mandatory = $true, ParameterSetName = 'CertificatePath')]
        [ValidateNotNullOrEmpty()]
        [string] $CertificatePath,

        [Parameter(ParameterSetName = 'CertificatePath')]
        [ValidateNotNull()]
        [System.Security.SecureString] $CertificatePassword,

        [Parameter(Mandatory = $true, ParameterSetName = 'CertificateThumbprint')]
        [ValidateNotNullOrEmpty()]
        [string] $CertificateThumbprint,

        [Parameter(Mandatory = $true, ParameterSetName = 'Certificate')]
        [ValidateNotNull()]
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate,

        [Parameter(ParameterSetName = 'CertificatePath')]
        [Parameter(ParameterSetName = 'CertificateThumbprint')]
        [Parameter(ParameterSetName = 'Certificate')]
        [ValidateSet('PS256', 'RS256')]
        [string] $SignatureAlgorithm,

        [Parameter(Mandatory = $true, ParameterSetName = 'ManagedIdentity')]
        [switch] $ManagedIdentity,

        [Parameter(ParameterSetName = 'ManagedIdentity')]
        [ValidateNotNullOrEmpty()]
        [string] $ManagedIdentityClientId,

        [Parameter(ParameterSetName = 'ManagedIdentity')]
        [ValidateNotNullOrEmpty()]
        [string] $ManagedIdentityObjectId,

        [Parameter(ParameterSetName = 'ManagedIdentity')]
        [ValidateNotNullOrEmpty()]
        [string] $ManagedIdentityResourceId,

        [Parameter(Mandatory = $true, ParameterSetName = 'RefreshToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $RefreshToken,

        [Parameter(Mandatory = $true, ParameterSetName = 'DeviceCode')]
        [switch] $DeviceCode,

        [Parameter(Mandatory = $true, ParameterSetName = 'Interactive')]
        [switch] $Interactive,

        [Parameter(ParameterSetName = 'Interactive')]
        [ValidateNotNullOrEmpty()]
        [string] $LoginHint,

        [Parameter(ParameterSetName = 'DeviceCode')]
        [Parameter(ParameterSetName = 'Interactive')]
        [ValidateNotNullOrEmpty()]
        [string] $Scope,

        [Parameter(ParameterSetName = 'AccessToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $AccessToken,

        [Parameter(ParameterSetName = 'AccessToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $PartnerCenterAccessToken,

        [Parameter(ParameterSetName = 'AccessToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $CustomerAdminAccessToken,

        [Parameter(ParameterSetName = 'AccessToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $GraphAccessToken,

        [Parameter(ParameterSetName = 'AccessToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $ResourceManagerAccessToken,

        [Parameter(ParameterSetName = 'AccessToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $CloudCockpitAccessToken,

        [Parameter(Mandatory = $true, ParameterSetName = 'Context', ValueFromPipeline = $true)]
        [ValidateNotNull()]
        [psobject] $Context,

        [Parameter()]
        [ValidateSet('Public', 'USGov', 'USGovDoD', 'China')]
        [string] $Cloud = 'Public',

        [Parameter()]
        [ValidatePattern('^https?://')]
        [string] $Authority,

        [Parameter()]
        [ValidatePattern('^https?://')]
        [string] $Endpoint,

        [Parameter()]
        [ValidatePattern('^https?://')]
        [string] $PartnerCenterEndpoint,

        [Parameter()]
        [ValidatePattern('^https?://')]
        [string] $CustomerAdminEndpoint,

        [Parameter()]
        [ValidatePattern('^https?://')]
        [string] $CloudCockpitEndpoint,

        [Parameter()]
        [ValidatePattern('^https?://')]
        [string] $ResourceManagerEndpoint,

        [Parameter()]
        [ValidatePattern('^https?://')]
        [string] $GraphEndpoint,

        [Parameter()]
        [ValidatePattern('^(https?://\S+|None|Environment)$')]
        [string] $Proxy,

        [Parameter()]
        [ValidateNotNull()]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $ProxyCredential,

        [Parameter()]
        [ValidateRange(1, 3600)]
        [int] $TimeoutSeconds,

        [Parameter()]
        [ValidateRange(0, 20)]
        [int] $MaxRetries,

        [Parameter()]
        [switch] $SkipValidation,

        [Parameter()]
        [switch] $PassThru
    )

    $authKind = $PSCmdlet.ParameterSetName
    if ($authKind -eq 'Context') {
        # Another runspace's connection: copy it (its SecureStrings too), so that each runspace owns and disposes
        # its own, and do not validate it again. Several runspaces may copy the same object at once
        # (ForEach-Object -Parallel with $using:context), and a PSObject is not safe to read from several threads:
        # the copies are made one at a time, under a lock on this module version's interop type, which every
        # runspace of the process shares.
        $source = $null
        $copy = $null
        $lockTaken = $false
        try {
            [System.Threading.Monitor]::Enter($script:DelegatedAdminNative, [ref]$lockTaken)
            $property = $Context.PSObject.Properties['Connection']
            if ($null -ne $property) {
                $source = $property.Value
            }
            if ($null -ne $source -and $null -ne $source.PSObject.Properties['AuthKind']) {
                $copy = Copy-DelegatedAdminConnection -Connection $source
            }
        }
        finally {
            if ($lockTaken) {
                [System.Threading.Monitor]::Exit($script:DelegatedAdminNative)
            }
        }
        if ($null -eq $copy) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message '-Context takes the DelegatedAdmin.Context that Get-DelegatedAdminContext (or Connect-DelegatedAdmin -PassThru) returns in a connected session.' -ErrorId 'DelegatedAdmin.InvalidArgument.Context' -Category InvalidArgument -TargetObject $Context
            $PSCmdlet.ThrowTerminatingError($record)
        }
        Clear-DelegatedAdminConnection
        $script:DelegatedAdminConnection = $copy
        Write-Verbose ('Connected from a context: {0} authentication, tenant {1}, client {2}.' -f $copy.AuthKind, $copy.TenantId, $copy.ClientId)
        if ($PassThru) {
            Get-DelegatedAdminContext
        }
        return
    }
    if ($authKind -eq 'AccessToken') {
        $given = @($AccessToken, $PartnerCenterAccessToken, $CustomerAdminAccessToken, $GraphAccessToken, $ResourceManagerAccessToken, $CloudCockpitAccessToken) | Where-Object { $null -ne $_ }
        if (@($given).Count -eq 0) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message 'Give -AccessToken, or a token per service: -PartnerCenterAccessToken, -CustomerAdminAccessToken, -GraphAccessToken, -ResourceManagerAccessToken, -CloudCockpitAccessToken.' -ErrorId 'DelegatedAdmin.InvalidArgument.AccessToken' -Category InvalidArgument -TargetObject $null
            $PSCmdlet.ThrowTerminatingError($record)
        }
    }
    if ($authKind -eq 'Credential') {
        $authKind = 'ClientSecret'
        if ([string]::IsNullOrWhiteSpace($Credential.UserName)) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message 'The credential has no user name: its user name must be the application (client) id.' -ErrorId 'DelegatedAdmin.InvalidCredential' -Category InvalidArgument -TargetObject $null
            $PSCmdlet.ThrowTerminatingError($record)
        }
        $ClientId = $Credential.UserName
        $ClientSecret = $Credential.Password
    }

    # The managed identity: system-assigned, or one user-assigned identity by one of its ids.
    $identity = $null
    if ($authKind -eq 'ManagedIdentity') {
        $chosen = New-Object -TypeName System.Collections.Generic.List[object]
        foreach ($pair in @(@('ClientId', 'ManagedIdentityClientId'), @('ObjectId', 'ManagedIdentityObjectId'), @('ResourceId', 'ManagedIdentityResourceId'))) {
            if ($PSBoundParameters.ContainsKey($pair[1])) {
                $chosen.Add($pair)
            }
        }
        if ($chosen.Count -gt 1) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message 'Name a user-assigned managed identity by one id only: -ManagedIdentityClientId, -ManagedIdentityObjectId or -ManagedIdentityResourceId.' -ErrorId 'DelegatedAdmin.InvalidArgument.ManagedIdentity' -Category InvalidArgument -TargetObject $null
            $PSCmdlet.ThrowTerminatingError($record)
        }
        $identity = [pscustomobject]@{ Kind = 'SystemAssigned'; Id = $null }
        if ($chosen.Count -eq 1) {
            $pair = $chosen[0]
            $identity = [pscustomobject]@{ Kind = $pair[0]; Id = [string]$PSBoundParameters[$pair[1]] }
        }
    }

    # The certificate: a file the library reads, or a certificate whose key stays in .NET.
    $certificatePathFull = $null
    $certificateObject = $null
    $thumbprint = $null
    if ($authKind -eq 'CertificatePath') {
        $certificatePathFull = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($CertificatePath)
        if (-not [System.IO.File]::Exists($certificatePathFull)) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The certificate file '{0}' does not exist." -f $certificatePathFull) -ErrorId 'DelegatedAdmin.CertificateNotFound' -Category ObjectNotFound -TargetObject $certificatePathFull
            $PSCmdlet.ThrowTerminatingError($record)
        }
    }
    if ($authKind -eq 'CertificateThumbprint') {
        try {
            $certificateObject = Find-DelegatedAdminCertificate -Thumbprint $CertificateThumbprint
        }
        catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
        $thumbprint = $certificateObject.Thumbprint
    }
    if ($authKind -eq 'Certificate') {
        if (-not $Certificate.HasPrivateKey) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The certificate '{0}' (thumbprint {1}) has no private key: -Certificate needs the certificate with its key." -f $Certificate.Subject, $Certificate.Thumbprint) -ErrorId 'DelegatedAdmin.CertificateUnusable' -Category InvalidArgument -TargetObject $Certificate.Thumbprint
            $PSCmdlet.ThrowTerminatingError($record)
        }
        $certificateObject = $Certificate
        $thumbprint = $Certificate.Thumbprint
    }

    # The proxy: a URL (with its credentials kept apart), none, or the environment's (the library's default).
    $proxySetting = $null
    if ($PSBoundParameters.ContainsKey('ProxyCredential') -and ([string]::IsNullOrEmpty($Proxy) -or $Proxy -match '^(None|Environment)$')) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message '-ProxyCredential needs -Proxy with the proxy''s URL (for example -Proxy http://proxy.contoso.com:3128).' -ErrorId 'DelegatedAdmin.InvalidArgument.ProxyCredential' -Category InvalidArgument -TargetObject $null
        $PSCmdlet.ThrowTerminatingError($record)
    }
    if (-not [string]::IsNullOrEmpty($Proxy)) {
        if ($Proxy -match '^None$') {
            $proxySetting = [pscustomobject]@{ Mode = 'None'; Url = $null; Credential = $null }
        }
        elseif ($Proxy -notmatch '^Environment$') {
            $proxyUri = $null
            if (-not [Uri]::TryCreate($Proxy, [UriKind]::Absolute, [ref]$proxyUri) -or -not [string]::IsNullOrEmpty($proxyUri.UserInfo)) {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message '-Proxy must be a URL such as http://proxy.contoso.com:3128, without a user name or password in it (give those with -ProxyCredential).' -ErrorId 'DelegatedAdmin.InvalidArgument.Proxy' -Category InvalidArgument -TargetObject $null
                $PSCmdlet.ThrowTerminatingError($record)
            }
            $proxyCopy = $null
            if ($null -ne $ProxyCredential) {
                $passwordCopy = $ProxyCredential.Password.Copy()
                $passwordCopy.MakeReadOnly()
                $proxyCopy = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $ProxyCredential.UserName, $passwordCopy
            }
            $proxySetting = [pscustomobject]@{ Mode = 'Url'; Url = $Proxy.TrimEnd('/'); Credential = $proxyCopy }
        }
    }

    # The tenant: -TenantId, else the Microsoft Graph context of this session (Connect-MgGraph).
    $tenantSource = 'Parameter'
    if ($authKind -ne 'AccessToken' -and $authKind -ne 'ManagedIdentity' -and [string]::IsNullOrEmpty($TenantId)) {
        $getMgContext = Get-Command -Name 'Get-MgContext' -ListImported -ErrorAction SilentlyContinue
        if ($null -ne $getMgContext) {
            $mgContext = $null
            try {
                $mgContext = Get-MgContext -ErrorAction Stop
            }
            catch {
                Write-Verbose ('Get-MgContext failed: {0}' -f $_.Exception.Message)
            }
            $mgTenant = Get-DelegatedAdminProperty -InputObject $mgContext -Name 'TenantId'
            if (-not [string]::IsNullOrEmpty([string]$mgTenant)) {
                $TenantId = [string]$mgTenant
                $tenantSource = 'MgContext'
                Write-Verbose ('Using tenant {0} from Get-MgContext (Connect-MgGraph).' -f $TenantId)
            }
        }
        if ([string]::IsNullOrEmpty($TenantId)) {
            if ($authKind -eq 'DeviceCode' -or $authKind -eq 'Interactive') {
                $TenantId = 'organizations'
                $tenantSource = 'Default'
            }
            else {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message 'No tenant: pass -TenantId (the partner tenant id or domain), or run Connect-MgGraph first so that its tenant is used.' -ErrorId 'DelegatedAdmin.TenantIdRequired' -Category InvalidArgument -TargetObject $null
                $PSCmdlet.ThrowTerminatingError($record)
            }
        }
    }
    if ($authKind -eq 'ManagedIdentity') {
        # The identity's own tenant (TenantId stays empty in the connection).
        $tenantSource = 'ManagedIdentity'
    }

    # Endpoints: -Endpoint for every service, the per-service parameters override it; the others follow -Cloud.
    $endpoints = @{
        PartnerCenter   = $null
        CustomerAdmin   = $null
        CloudCockpit    = $null
        ResourceManager = $null
        Graph           = $null
    }
    # The authority: -Authority, else -Endpoint's, else none (the cloud's, which the library derives).
    $authorityOverride = $null
    if ($PSBoundParameters.ContainsKey('Authority')) {
        $authorityOverride = $Authority.TrimEnd('/')
    }
    if ($PSBoundParameters.ContainsKey('Endpoint')) {
        $base = $Endpoint.TrimEnd('/')
        foreach ($service in @($endpoints.Keys)) {
            $endpoints[$service] = $base
        }
        if ($null -eq $authorityOverride) {
            $authorityOverride = $base
        }
    }
    $perService = @{
        PartnerCenter   = 'PartnerCenterEndpoint'
        CustomerAdmin   = 'CustomerAdminEndpoint'
        CloudCockpit    = 'CloudCockpitEndpoint'
        ResourceManager = 'ResourceManagerEndpoint'
        Graph           = 'GraphEndpoint'
    }
    foreach ($service in @($perService.Keys)) {
        $parameterName = $perService[$service]
        if ($PSBoundParameters.ContainsKey($parameterName)) {
            $endpoints[$service] = ([string]$PSBoundParameters[$parameterName]).TrimEnd('/')
        }
    }
    $cloudInfo = Get-DelegatedAdminCloud -Name $Cloud
    if ([string]::IsNullOrEmpty($Scope)) {
        $Scope = '{0}/user_impersonation offline_access' -f $cloudInfo.Audiences['PartnerCenter']
    }

    $timeout = $null
    if ($PSBoundParameters.ContainsKey('TimeoutSeconds')) {
        $timeout = $TimeoutSeconds
    }
    $retries = $null
    if ($PSBoundParameters.ContainsKey('MaxRetries')) {
        $retries = $MaxRetries
    }

    # Keep copies: the caller's SecureStrings stay theirs (Disconnect disposes only ours).
    $copySecret = {
        param($secret)
        if ($null -eq $secret) {
            return $null
        }
        $copy = $secret.Copy()
        $copy.MakeReadOnly()
        return $copy
    }
    # Per-service tokens (each service accepts only its own audience); -AccessToken covers the others.
    $accessTokens = @{}
    foreach ($pair in @(
            @('PartnerCenter', $PartnerCenterAccessToken),
            @('CustomerAdmin', $CustomerAdminAccessToken),
            @('Graph', $GraphAccessToken),
            @('ResourceManager', $ResourceManagerAccessToken),
            @('CloudCockpit', $CloudCockpitAccessToken))) {
        if ($null -ne $pair[1]) {
            $accessTokens[$pair[0]] = & $copySecret $pair[1]
        }
    }
    $signature = $null
    if ($PSBoundParameters.ContainsKey('SignatureAlgorithm')) {
        $signature = $SignatureAlgorithm
    }

    $connection = [pscustomobject]@{
        PSTypeName            = 'DelegatedAdmin.Connection'
        AuthKind              = $authKind
        TenantId              = $TenantId
        TenantSource          = $tenantSource
        ClientId              = $ClientId
        ClientSecret          = & $copySecret $ClientSecret
        RefreshToken          = & $copySecret $RefreshToken
        AccessToken           = & $copySecret $AccessToken
        AccessTokens          = $accessTokens
        ManagedIdentity       = $identity
        CertificatePath       = $certificatePathFull
        CertificatePassword   = & $copySecret $CertificatePassword
        CertificateThumbprint = $thumbprint
        Certificate           = $certificateObject
        SignatureAlgorithm    = $signature
        AssertionCache        = $null
        Cloud                 = $Cloud
        Authority             = $authorityOverride
        Endpoints             = $endpoints
        Proxy                 = $proxySetting
        TimeoutSeconds        = $timeout
        MaxRetries            = $retries
        Scope                 = $null
        ConnectedAt           = [DateTime]::UtcNow
    }
    if ($authKind -eq 'AccessToken' -or $authKind -eq 'ManagedIdentity') {
        $connection.TenantId = $null
        $connection.ClientId = $null
    }

    # A connection that is not stored is disposed of (its secrets) before the error goes up.
    $discard = {
        foreach ($name in @('ClientSecret', 'RefreshToken', 'AccessToken', 'CertificatePassword')) {
            if ($connection.$name -is [System.Security.SecureString]) {
                $connection.$name.Dispose()
            }
        }
        foreach ($token in @($connection.AccessTokens.Values)) {
            $token.Dispose()
        }
        if ($null -ne $connection.AssertionCache) {
            $connection.AssertionCache.Assertion.Dispose()
        }
        if ($null -ne $connection.Proxy -and $null -ne $connection.Proxy.Credential) {
            $connection.Proxy.Credential.Password.Dispose()
        }
    }

    # After a sign-in (device code, interactive): keep the refresh token, or else the access token until it expires.
    $keepToken = {
        param($token)
        $refreshText = Get-DelegatedAdminProperty -InputObject $token -Name 'refreshToken'
        if (-not [string]::IsNullOrEmpty([string]$refreshText)) {
            $connection.RefreshToken = ConvertTo-DelegatedAdminSecureString -PlainText ([string]$refreshText)
        }
        else {
            $accessText = [string](Get-DelegatedAdminProperty -InputObject $token -Name 'accessToken')
            $connection.AuthKind = 'AccessToken'
            $connection.AccessToken = ConvertTo-DelegatedAdminSecureString -PlainText $accessText
            $accessText = $null
            Write-Warning ("The sign-in returned no refresh token (the scope '{0}' lacks offline_access), so this connection uses the access token until it expires at {1:u}." -f $Scope, (ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $token -Name 'expiresOn')))
        }
        $refreshText = $null
    }

    if ($authKind -eq 'DeviceCode') {
        $connection.Scope = $Scope
        $startRequest = [ordered]@{
            clientId = $ClientId
            tenantId = $TenantId
            scope    = $Scope
        }
        try {
            $start = Invoke-DelegatedAdminNative -Operation 'da_start_device_code' -Request $startRequest -Connection $connection -TargetObject $ClientId
        }
        catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }

        $message = [string](Get-DelegatedAdminProperty -InputObject $start -Name 'message')
        if ([string]::IsNullOrEmpty($message)) {
            $message = 'To sign in, open {0} and enter the code {1}.' -f (Get-DelegatedAdminProperty -InputObject $start -Name 'verificationUri'), (Get-DelegatedAdminProperty -InputObject $start -Name 'userCode')
        }
        Write-Host $message

        $interval = 5
        $startInterval = Get-DelegatedAdminProperty -InputObject $start -Name 'interval'
        if ($null -ne $startInterval -and [int]$startInterval -ge 0) {
            $interval = [int]$startInterval
        }
        $expiresIn = Get-DelegatedAdminProperty -InputObject $start -Name 'expiresIn'
        if ($null -eq $expiresIn) {
            $expiresIn = 900
        }
        $deadline = [DateTime]::UtcNow.AddSeconds([double]$expiresIn)
        $pollRequest = [ordered]@{
            clientId   = $ClientId
            tenantId   = $TenantId
            deviceCode = [string](Get-DelegatedAdminProperty -InputObject $start -Name 'deviceCode')
        }

        $token = $null
        $finished = $false
        try {
            while (-not $finished) {
                if ([DateTime]::UtcNow -gt $deadline) {
                    $record = ConvertTo-DelegatedAdminErrorRecord -Message 'The device code expired before the sign-in finished. Run Connect-DelegatedAdmin -DeviceCode again.' -ErrorId 'DelegatedAdmin.DeviceCodeExpired' -Category OperationTimeout -TargetObject $ClientId
                    $PSCmdlet.ThrowTerminatingError($record)
                }
                # Start-Sleep is stopped by Ctrl+C, which ends the loop (the finally block below still runs).
                Start-Sleep -Milliseconds ([Math]::Max(1, $interval) * 1000)
                $pollRequest['interval'] = $interval
                try {
                    $poll = Invoke-DelegatedAdminNative -Operation 'da_poll_device_code' -Request $pollRequest -Connection $connection -TargetObject $ClientId
                }
                catch {
                    $PSCmdlet.ThrowTerminatingError($_)
                }
                $status = [string](Get-DelegatedAdminProperty -InputObject $poll -Name 'status')
                $pollInterval = Get-DelegatedAdminProperty -InputObject $poll -Name 'interval'
                switch ($status) {
                    'pending' {
                        if ($null -ne $pollInterval -and [int]$pollInterval -gt 0) {
                            $interval = [int]$pollInterval
                        }
                        Write-Verbose 'Waiting for the device code sign-in...'
                    }
                    'slow_down' {
                        # RFC 8628 3.5: add 5 seconds, or use the longer interval the library reports.
                        $slower = $interval + 5
                        if ($null -ne $pollInterval -and [int]$pollInterval -gt $slower) {
                            $slower = [int]$pollInterval
                        }
                        $interval = $slower
                        Write-Verbose ('The identity platform asked to poll more slowly; waiting {0} s between polls.' -f $interval)
                    }
                    'completed' {
                        $token = Get-DelegatedAdminProperty -InputObject $poll -Name 'token'
                        $finished = $true
                    }
                    'declined' {
                        $record = ConvertTo-DelegatedAdminErrorRecord -Message 'The sign-in was declined.' -ErrorId 'DelegatedAdmin.DeviceCodeDeclined' -Category AuthenticationError -TargetObject $ClientId
                        $PSCmdlet.ThrowTerminatingError($record)
                    }
                    'expired' {
                        $record = ConvertTo-DelegatedAdminErrorRecord -Message 'The device code expired before the sign-in finished. Run Connect-DelegatedAdmin -DeviceCode again.' -ErrorId 'DelegatedAdmin.DeviceCodeExpired' -Category OperationTimeout -TargetObject $ClientId
                        $PSCmdlet.ThrowTerminatingError($record)
                    }
                    default {
                        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("da_poll_device_code returned the unknown status '{0}'." -f $status) -ErrorId 'DelegatedAdmin.DeviceCodeUnknownStatus' -Category InvalidResult -TargetObject $ClientId
                        $PSCmdlet.ThrowTerminatingError($record)
                    }
                }
            }
        }
        finally {
            if (-not $finished) {
                Write-Verbose 'The device code sign-in stopped before it completed; the previous connection, if any, is unchanged.'
            }
            $pollRequest.Clear()
        }

        & $keepToken $token
        $token = $null
    }
    elseif ($authKind -eq 'Interactive') {
        $connection.Scope = $Scope
        $token = $null
        try {
            $token = Invoke-DelegatedAdminInteractiveSignIn -Connection $connection -ClientId $ClientId -TenantId $TenantId -Scope $Scope -LoginHint $LoginHint
        }
        catch {
            if ($_.Exception -is [System.Management.Automation.PipelineStoppedException]) {
                throw
            }
            & $discard
            $PSCmdlet.ThrowTerminatingError($_)
        }
        & $keepToken $token
        $token = $null
    }
    elseif ($authKind -ne 'AccessToken' -and -not $SkipValidation) {
        # One token of Partner Center (in the connection's cloud) proves the credential: a wrong secret, a
        # certificate the app does not know or a managed identity the host lacks fails here, not at the first cmdlet.
        $validation = [ordered]@{ scope = '{0}/.default' -f $cloudInfo.Audiences['PartnerCenter'] }
        $target = $TenantId
        if ($authKind -eq 'ManagedIdentity') {
            $target = 'managed identity'
        }
        try {
            $null = Invoke-DelegatedAdminNative -Operation 'da_acquire_token' -Request $validation -Connection $connection -TargetObject $target
        }
        catch {
            & $discard
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }

    Clear-DelegatedAdminConnection
    $script:DelegatedAdminConnection = $connection
    Write-Verbose ('Connected: {0} authentication, tenant {1}, client {2}, cloud {3}, authority {4}.' -f $connection.AuthKind, $connection.TenantId, $connection.ClientId, $connection.Cloud, (Get-DelegatedAdminServiceUrl -Connection $connection -Service Identity))

    if ($PassThru) {
        Get-DelegatedAdminContext
    }
}
