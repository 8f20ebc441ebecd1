function Get-DelegatedAdminToken {
    <#
    .SYNOPSIS
    Gets an access token for a resource or scope with the current connection's credentials.

    .DESCRIPTION
    Calls da_acquire_token with the credential of Connect-DelegatedAdmin (client secret, certificate, managed
    identity, refresh token, device code or interactive sign-in). The native
    library caches tokens per authority, tenant, client and scope until five minutes before they expire, so
    calling this repeatedly is cheap. The token is returned as a SecureString unless -AsPlainText is given.
    Connections made with -AccessToken cannot acquire new tokens.

    .PARAMETER Resource
    The resource, for example https://management.azure.com (the scope becomes <resource>/.default).

    .PARAMETER Scope
    The scope, for example https://api.partnercenter.microsoft.com/.default. Default: Partner Center's .default in
    the connection's cloud (https://partner.partnercenterapi.microsoftonline.cn/.default in China).

    .PARAMETER AsPlainText
    Returns AccessToken (and RefreshToken) as plain strings. Anyone who sees the output can use the token.

    .EXAMPLE
    $token = Get-DelegatedAdminToken -Resource https://management.azure.com -AsPlainText
    Connect-AzAccount -AccessToken $token.AccessToken -AccountId $appId

    Hands an ARM token to Az.Accounts (works on Windows PowerShell 5.1 and PowerShell 7).

    .EXAMPLE
    (Get-DelegatedAdminToken -Scope 'https://api.partnercenter.microsoft.com/.default').ExpiresOn

    .OUTPUTS
    DelegatedAdmin.Token
    #>
    [CmdletBinding(DefaultParameterSetName = 'Scope')]
    [OutputType('DelegatedAdmin.Token')]
    param(
        [Parameter(Mandatory = $true, ParameterSetName = 'Resource', Position = 0)]
        [ValidatePattern('^https?://')]
        [string] $Resource,

        [Parameter(ParameterSetName = 'Scope')]
        [ValidateNotNullOrEmpty()]
        [string] $Scope,

        [Parameter()]
        [switch] $AsPlainText
    )

    $connection = $script:DelegatedAdminConnection
    if ($null -ne $connection -and $connection.AuthKind -eq 'AccessToken') {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message 'This connection was made with -AccessToken, so it has no credential to acquire other tokens with. Connect with a client secret, a refresh token or -DeviceCode.' -ErrorId 'DelegatedAdmin.CannotAcquireToken' -Category InvalidOperation -TargetObject $null
        $PSCmdlet.ThrowTerminatingError($record)
    }

    if ($PSCmdlet.ParameterSetName -eq 'Scope' -and -not $PSBoundParameters.ContainsKey('Scope')) {
        # Partner Center's, in the connection's cloud (China has an audience of its own).
        $cloudName = 'Public'
        if ($null -ne $connection -and -not [string]::IsNullOrEmpty([string]$connection.Cloud)) {
            $cloudName = [string]$connection.Cloud
        }
        $Scope = '{0}/.default' -f (Get-DelegatedAdminCloud -Name $cloudName).Audiences['PartnerCenter']
    }
    $request = [ordered]@{}
    $target = $Scope
    if ($PSCmdlet.ParameterSetName -eq 'Resource') {
        $request['resource'] = $Resource
        $target = $Resource
    }
    else {
        $request['scope'] = $Scope
    }

    try {
        $result = Invoke-DelegatedAdminNative -Operation 'da_acquire_token' -Request $request -TargetObject $target
    }
    catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }

    $accessText = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'accessToken')
    $refreshText = Get-DelegatedAdminProperty -InputObject $result -Name 'refreshToken'
    $accessValue = $null
    $refreshValue = $null
    if ($AsPlainText) {
        $accessValue = $accessText
        if (-not [string]::IsNullOrEmpty([string]$refreshText)) {
            $refreshValue = [string]$refreshText
        }
    }
    else {
        $accessValue = ConvertTo-DelegatedAdminSecureString -PlainText $accessText
        if (-not [string]::IsNullOrEmpty([string]$refreshText)) {
            $refreshValue = ConvertTo-DelegatedAdminSecureString -PlainText ([string]$refreshText)
        }
    }
    $accessText = $null
    $refreshText = $null

    $expiresIn = Get-DelegatedAdminProperty -InputObject $result -Name 'expiresIn'
    if ($null -ne $expiresIn) {
        $expiresIn = [int]$expiresIn
    }
    [pscustomobject]@{
        PSTypeName   = 'DelegatedAdmin.Token'
        TokenType    = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'tokenType')
        Scope        = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'scope')
        ExpiresOn    = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $result -Name 'expiresOn')
        ExpiresIn    = $expiresIn
        AccessToken  = $accessValue
        RefreshToken = $refreshValue
    }
}
