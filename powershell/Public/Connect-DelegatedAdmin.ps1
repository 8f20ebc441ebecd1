function Connect-DelegatedAdmin {
    <#
    .SYNOPSIS
    Chooses how the DelegatedAdmin cmdlets authenticate, and which endpoints they call, for this session.

    .DESCRIPTION
    Stores one connection in module scope; every other cmdlet of the module uses it until
    Disconnect-DelegatedAdmin or the next Connect-DelegatedAdmin. Secrets (client secret, refresh token, access
    token) are kept as SecureString copies and turned into plain text only for the JSON of each native call.

    Ways to authenticate (parameter sets):
    - ClientSecret: -ClientId and -ClientSecret (client credentials).
    - Credential: -Credential, whose user name is the client id and whose password is the client secret.
    - RefreshToken: -ClientId and -RefreshToken (the partner Secure Application Model), optional -ClientSecret.
    - DeviceCode: -ClientId -DeviceCode; prints the sign-in message, waits until you sign in (Ctrl+C stops it),
      then keeps the refresh token it received (App+User, which Partner Center's DAP operations require).
    - AccessToken: bearer tokens you obtained yourself (for example with Get-MsalToken). Each service accepts
      only a token issued for its own audience, so give one per service you call: -PartnerCenterAccessToken
      (https://api.partnercenter.microsoft.com: DAP removal, and the cleanup's removals),
      -CustomerAdminAccessToken (https://api.partnercustomeradministration.microsoft.com: listing customers, the
      cleanup's plan and recheck), -ResourceManagerAccessToken (https://management.azure.com: Lighthouse) and
      -CloudCockpitAccessToken (CloudCockpit). -AccessToken is used for every service without a token of its own.
    - Context: the connection of another runspace (Get-DelegatedAdminContext), for ForEach-Object -Parallel,
      Start-ThreadJob and runspace pools: module state is per runspace, so each one connects with -Context
      $using:context (its secrets are copied, never shown, and not validated again).

    When -TenantId is omitted and you are connected to Microsoft Graph (Connect-MgGraph), the tenant of
    Get-MgContext is used. The credentials are checked once by acquiring a Partner Center token, unless
    -SkipValidation is given (AccessToken and DeviceCode connections are not checked again).

    .PARAMETER TenantId
    The partner tenant (GUID or verified domain). Defaults to the tenant of Get-MgContext when you ran
    Connect-MgGraph in this session; for -DeviceCode, otherwise to 'organizations'.

    .PARAMETER ClientId
    The application (client) id of the partner's app registration.

    .PARAMETER ClientSecret
    The client secret, as a SecureString (for example from Read-Host -AsSecureString or Get-Secret).

    .PARAMETER Credential
    A PSCredential whose user name is the client id and whose password is the client secret.

    .PARAMETER RefreshToken
    A refresh token of the partner Secure Application Model, as a SecureString.

    .PARAMETER DeviceCode
    Signs in interactively with the device code flow.

    .PARAMETER Scope
    The scope requested by the device code flow. The default asks for Partner Center with offline_access, so
    that a refresh token is issued; the identity platform exchanges it for the other services' tokens.

    .PARAMETER AccessToken
    A bearer access token, as a SecureString, for every service that has no token of its own below.

    .PARAMETER PartnerCenterAccessToken
    A bearer token for Partner Center (audience https://api.partnercenter.microsoft.com), as a SecureString.

    .PARAMETER CustomerAdminAccessToken
    A bearer token for the delegated admin customers API (audience
    https://api.partnercustomeradministration.microsoft.com), as a SecureString.

    .PARAMETER ResourceManagerAccessToken
    A bearer token for Azure Resource Manager (audience https://management.azure.com), as a SecureString.

    .PARAMETER CloudCockpitAccessToken
    A bearer token for the CloudCockpit API, as a SecureString.

    .PARAMETER Context
    A DelegatedAdmin.Context from Get-DelegatedAdminContext (or Connect-DelegatedAdmin -PassThru) in another
    runspace: connects this runspace the same way.

    .PARAMETER Authority
    The identity authority, for sovereign clouds (for example https://login.microsoftonline.us). Defaults to
    https://login.microsoftonline.com, or to -Endpoint when that is given.

    .PARAMETER Endpoint
    One base URL (scheme, host, port) for every service and the authority, for example the local emulator
    http://127.0.0.1:8787. The per-service parameters override it.

    .PARAMETER PartnerCenterEndpoint
    The Partner Center base URL (DAP removal). Default https://api.partnercenter.microsoft.com.

    .PARAMETER CustomerAdminEndpoint
    The delegated admin customers API base URL. Default https://traf-pcsvcadmin-prod.trafficmanager.net.

    .PARAMETER CloudCockpitEndpoint
    The CloudCockpit API base URL. Default https://api.cloudcockpit.com.

    .PARAMETER ResourceManagerEndpoint
    The Azure Resource Manager base URL (Lighthouse), for example https://management.usgovcloudapi.net.
    Default https://management.azure.com.

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
    Connect-MgGraph -Scopes 'DelegatedAdminRelationship.Read.All'
    Connect-DelegatedAdmin -ClientId $appId -RefreshToken (Get-Secret -Name PartnerRefreshToken)

    Uses the tenant you signed in to with Connect-MgGraph and the Secure Application Model refresh token.

    .EXAMPLE
    Connect-DelegatedAdmin -TenantId $partnerTenantId -ClientId $appId -DeviceCode

    Prints "To sign in, use a web browser to open the page ... and enter the code ...", waits for you to sign in,
    and keeps the refresh token for this session.

    .EXAMPLE
    Connect-DelegatedAdmin -Credential (Get-Credential -UserName $appId -Message 'Client secret') -TenantId $partnerTenantId

    .EXAMPLE
    $customerAdmin = Get-MsalToken -ClientId $appId -TenantId $partnerTenantId -Scopes 'https://api.partnercustomeradministration.microsoft.com/user_impersonation'
    $partnerCenter = Get-MsalToken -ClientId $appId -TenantId $partnerTenantId -Scopes 'https://api.partnercenter.microsoft.com/user_impersonation'
    Connect-DelegatedAdmin -CustomerAdminAccessToken (ConvertTo-SecureString $customerAdmin.AccessToken -AsPlainText -Force) -PartnerCenterAccessToken (ConvertTo-SecureString $partnerCenter.AccessToken -AsPlainText -Force)

    Brings one token per service (App+User, signed in with MSAL.PS): lists customers and removes DAP relationships.

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

    Talks to the local emulator (identity, Partner Center, delegated admin customers, CloudCockpit and ARM).

    .OUTPUTS
    None, or DelegatedAdmin.Context with -PassThru.
    #>
    [CmdletBinding(DefaultParameterSetName = 'ClientSecret')]
    [OutputType('DelegatedAdmin.Context')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'The device code message must reach the person at the console, whatever the output streams do.')]
    param(
        [Parameter(ParameterSetName = 'ClientSecret')]
        [Parameter(ParameterSetName = 'Credential')]
        [Parameter(ParameterSetName = 'RefreshToken')]
        [Parameter(ParameterSetName = 'DeviceCode')]
        [ValidateNotNullOrEmpty()]
        [string] $TenantId,

        [Parameter(Mandatory = $true, ParameterSetName = 'ClientSecret')]
        [Parameter(Mandatory = $true, ParameterSetName = 'RefreshToken')]
        [Parameter(Mandatory = $true, ParameterSetName = 'DeviceCode')]
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

        [Parameter(Mandatory = $true, ParameterSetName = 'RefreshToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $RefreshToken,

        [Parameter(Mandatory = $true, ParameterSetName = 'DeviceCode')]
        [switch] $DeviceCode,

        [Parameter(ParameterSetName = 'DeviceCode')]
        [ValidateNotNullOrEmpty()]
        [string] $Scope = 'https://api.partnercenter.microsoft.com/user_impersonation offline_access',

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
        [System.Security.SecureString] $ResourceManagerAccessToken,

        [Parameter(ParameterSetName = 'AccessToken')]
        [ValidateNotNull()]
        [System.Security.SecureString] $CloudCockpitAccessToken,

        [Parameter(Mandatory = $true, ParameterSetName = 'Context', ValueFromPipeline = $true)]
        [ValidateNotNull()]
        [psobject] $Context,

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
        # its own, and do not validate it again.
        $source = $null
        $property = $Context.PSObject.Properties['Connection']
        if ($null -ne $property) {
            $source = $property.Value
        }
        if ($null -eq $source -or $null -eq $source.PSObject.Properties['AuthKind']) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message '-Context takes the DelegatedAdmin.Context that Get-DelegatedAdminContext (or Connect-DelegatedAdmin -PassThru) returns in a connected session.' -ErrorId 'DelegatedAdmin.InvalidArgument.Context' -Category InvalidArgument -TargetObject $Context
            $PSCmdlet.ThrowTerminatingError($record)
        }
        $copy = Copy-DelegatedAdminConnection -Connection $source
        Clear-DelegatedAdminConnection
        $script:DelegatedAdminConnection = $copy
        Write-Verbose ('Connected from a context: {0} authentication, tenant {1}, client {2}.' -f $copy.AuthKind, $copy.TenantId, $copy.ClientId)
        if ($PassThru) {
            Get-DelegatedAdminContext
        }
        return
    }
    if ($authKind -eq 'AccessToken') {
        $given = @($AccessToken, $PartnerCenterAccessToken, $CustomerAdminAccessToken, $ResourceManagerAccessToken, $CloudCockpitAccessToken) | Where-Object { $null -ne $_ }
        if (@($given).Count -eq 0) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message 'Give -AccessToken, or a token per service: -PartnerCenterAccessToken, -CustomerAdminAccessToken, -ResourceManagerAccessToken, -CloudCockpitAccessToken.' -ErrorId 'DelegatedAdmin.InvalidArgument.AccessToken' -Category InvalidArgument -TargetObject $null
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

    # The tenant: -TenantId, else the Microsoft Graph context of this session (Connect-MgGraph).
    $tenantSource = 'Parameter'
    if ($authKind -ne 'AccessToken' -and [string]::IsNullOrEmpty($TenantId)) {
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
            if ($authKind -eq 'DeviceCode') {
                $TenantId = 'organizations'
                $tenantSource = 'Default'
            }
            else {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message 'No tenant: pass -TenantId (the partner tenant id or domain), or run Connect-MgGraph first so that its tenant is used.' -ErrorId 'DelegatedAdmin.TenantIdRequired' -Category InvalidArgument -TargetObject $null
                $PSCmdlet.ThrowTerminatingError($record)
            }
        }
    }

    # Endpoints: -Endpoint for every service, the per-service parameters override it.
    $endpoints = @{
        PartnerCenter   = $null
        CustomerAdmin   = $null
        CloudCockpit    = $null
        ResourceManager = $null
    }
    if ($PSBoundParameters.ContainsKey('Endpoint')) {
        $base = $Endpoint.TrimEnd('/')
        foreach ($service in @($endpoints.Keys)) {
            $endpoints[$service] = $base
        }
        if (-not $PSBoundParameters.ContainsKey('Authority')) {
            $Authority = $base
        }
    }
    $perService = @{
        PartnerCenter   = 'PartnerCenterEndpoint'
        CustomerAdmin   = 'CustomerAdminEndpoint'
        CloudCockpit    = 'CloudCockpitEndpoint'
        ResourceManager = 'ResourceManagerEndpoint'
    }
    foreach ($service in @($perService.Keys)) {
        $parameterName = $perService[$service]
        if ($PSBoundParameters.ContainsKey($parameterName)) {
            $endpoints[$service] = ([string]$PSBoundParameters[$parameterName]).TrimEnd('/')
        }
    }
    if ([string]::IsNullOrEmpty($Authority)) {
        $Authority = Get-DelegatedAdminDefaultEndpoint -Service Identity
    }
    $Authority = $Authority.TrimEnd('/')

    $timeout = $null
    if ($PSBoundParameters.ContainsKey('TimeoutSeconds')) {
        $timeout = $TimeoutSeconds
    }
    $retries = $null
    if ($PSBoundParameters.ContainsKey('MaxRetries')) {
        $retries = $MaxRetries
    }

    # Keep copies: the caller's SecureStrings stay theirs (Disconnect disposes only ours).
    $secretCopy = $null
    if ($null -ne $ClientSecret) {
        $secretCopy = $ClientSecret.Copy()
        $secretCopy.MakeReadOnly()
    }
    $refreshCopy = $null
    if ($null -ne $RefreshToken) {
        $refreshCopy = $RefreshToken.Copy()
        $refreshCopy.MakeReadOnly()
    }
    $accessCopy = $null
    if ($null -ne $AccessToken) {
        $accessCopy = $AccessToken.Copy()
        $accessCopy.MakeReadOnly()
    }
    # Per-service tokens (each service accepts only its own audience); -AccessToken covers the others.
    $accessTokens = @{}
    foreach ($pair in @(
            @('PartnerCenter', $PartnerCenterAccessToken),
            @('CustomerAdmin', $CustomerAdminAccessToken),
            @('ResourceManager', $ResourceManagerAccessToken),
            @('CloudCockpit', $CloudCockpitAccessToken))) {
        if ($null -ne $pair[1]) {
            $tokenCopy = $pair[1].Copy()
            $tokenCopy.MakeReadOnly()
            $accessTokens[$pair[0]] = $tokenCopy
        }
    }

    $connection = [pscustomobject]@{
        PSTypeName     = 'DelegatedAdmin.Connection'
        AuthKind       = $authKind
        TenantId       = $TenantId
        TenantSource   = $tenantSource
        ClientId       = $ClientId
        ClientSecret   = $secretCopy
        RefreshToken   = $refreshCopy
        AccessToken    = $accessCopy
        AccessTokens   = $accessTokens
        Authority      = $Authority
        Endpoints      = $endpoints
        TimeoutSeconds = $timeout
        MaxRetries     = $retries
        Scope          = $null
        ConnectedAt    = [DateTime]::UtcNow
    }
    if ($authKind -eq 'AccessToken') {
        $connection.TenantId = $null
        $connection.ClientId = $null
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

        $refreshText = Get-DelegatedAdminProperty -InputObject $token -Name 'refreshToken'
        if (-not [string]::IsNullOrEmpty([string]$refreshText)) {
            $connection.RefreshToken = ConvertTo-DelegatedAdminSecureString -PlainText ([string]$refreshText)
        }
        else {
            $accessText = [string](Get-DelegatedAdminProperty -InputObject $token -Name 'accessToken')
            $connection.AuthKind = 'AccessToken'
            $connection.AccessToken = ConvertTo-DelegatedAdminSecureString -PlainText $accessText
            Write-Warning ("The sign-in returned no refresh token (the scope '{0}' lacks offline_access), so this connection uses the access token until it expires at {1:u}." -f $Scope, (ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $token -Name 'expiresOn')))
        }
        $refreshText = $null
        $token = $null
    }
    elseif ($authKind -ne 'AccessToken' -and -not $SkipValidation) {
        $validation = [ordered]@{ scope = 'https://api.partnercenter.microsoft.com/.default' }
        try {
            $null = Invoke-DelegatedAdminNative -Operation 'da_acquire_token' -Request $validation -Connection $connection -TargetObject $TenantId
        }
        catch {
            foreach ($name in @('ClientSecret', 'RefreshToken')) {
                if ($null -ne $connection.$name) {
                    $connection.$name.Dispose()
                }
            }
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }

    Clear-DelegatedAdminConnection
    $script:DelegatedAdminConnection = $connection
    Write-Verbose ('Connected: {0} authentication, tenant {1}, client {2}, authority {3}.' -f $connection.AuthKind, $connection.TenantId, $connection.ClientId, $connection.Authority)

    if ($PassThru) {
        Get-DelegatedAdminContext
    }
}
