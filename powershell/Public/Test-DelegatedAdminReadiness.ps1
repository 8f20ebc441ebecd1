function Test-DelegatedAdminReadiness {
    <#
    .SYNOPSIS
    Checks what the current connection can do: for each service, whether a token can be had, its audience,
    expiry, whether it is a user's with MFA, and a cheap read of the service. Never returns a token.

    .DESCRIPTION
    Calls the library's readiness check (da_check_readiness) with the connection's credential, cloud, endpoints
    and proxy. For each service: a token for its scope (its claims are read, never shown; its signature is not
    checked: the service does that), then a cheap read (Partner Customer Delegated Administration:
    delegatedAdminCustomers?$top=1; Partner Center: /v1/customers?size=1; Azure Resource Manager: /subscriptions;
    Microsoft Graph: delegatedAdminRelationships?$top=1; CloudCockpit has none without a customer).
    Mfa is $true when a user's token carries MFA (amr), $false when it does not, and $null for an app-only or
    opaque token, where it cannot be known: Partner Center requires MFA on App+User calls from April 2026.
    Warnings (an app-only token where Partner Center needs App+User, a user token without MFA, an unexpected
    audience) are written with Write-Warning.

    Output: one DelegatedAdmin.ServiceReadiness per service: Service, Name, Ready, Audience, ExpiresOn (UTC),
    Identity (app, user or unknown), Mfa, MfaNote, Permissions, TenantId, AppId, Endpoint, Scope, TokenError,
    ProbeRequest, Reachable, ProbeOk, ProbeStatus, ProbeError, and Credential and Cloud of the check. -Quiet
    returns only $true (every service checked is ready) or $false.

    .PARAMETER Service
    The services to check: PartnerCenter, CustomerAdmin, CloudCockpit, ResourceManager, Graph (default: every
    service of the connection's cloud).

    .PARAMETER Quiet
    Returns $true when every service checked is ready, else $false, instead of the objects.

    .EXAMPLE
    Test-DelegatedAdminReadiness | Format-Table

    .EXAMPLE
    Connect-DelegatedAdmin -ManagedIdentity
    if (-not (Test-DelegatedAdminReadiness -Service Graph -Quiet)) { throw 'The managed identity cannot read GDAP relationships.' }

    A runbook that stops early when its identity lacks Graph access.

    .EXAMPLE
    Test-DelegatedAdminReadiness -Service PartnerCenter | Select-Object Identity, Mfa, MfaNote

    Whether Partner Center calls are App+User with MFA.

    .OUTPUTS
    DelegatedAdmin.ServiceReadiness, or System.Boolean with -Quiet.
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.ServiceReadiness', [bool])]
    param(
        [Parameter(Position = 0)]
        [ValidateSet('PartnerCenter', 'CustomerAdmin', 'CloudCockpit', 'ResourceManager', 'Graph')]
        [string[]] $Service,

        [Parameter()]
        [switch] $Quiet
    )

    $ids = @{
        PartnerCenter   = 'partnerCenter'
        CustomerAdmin   = 'customerAdmin'
        CloudCockpit    = 'cloudCockpit'
        ResourceManager = 'resourceManager'
        Graph           = 'graph'
    }
    $names = @{}
    foreach ($key in @($ids.Keys)) {
        $names[$ids[$key]] = $key
    }
    $request = [ordered]@{}
    if ($PSBoundParameters.ContainsKey('Service')) {
        $request['services'] = [string[]]@($Service | Select-Object -Unique | ForEach-Object { $ids[$_] })
    }
    try {
        $result = Invoke-DelegatedAdminNative -Operation 'da_check_readiness' -Request $request
    }
    catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }

    $warnings = Get-DelegatedAdminProperty -InputObject $result -Name 'warnings'
    foreach ($warning in @($warnings)) {
        if (-not [string]::IsNullOrEmpty([string]$warning)) {
            Write-Warning ([string]$warning)
        }
    }
    $ready = (Get-DelegatedAdminProperty -InputObject $result -Name 'ready') -eq $true
    if ($Quiet) {
        return $ready
    }

    $describe = {
        param($nativeError)
        if ($null -eq $nativeError) {
            return $null
        }
        $text = '{0}: {1}' -f (Get-DelegatedAdminProperty -InputObject $nativeError -Name 'kind'), (Get-DelegatedAdminProperty -InputObject $nativeError -Name 'message')
        $code = Get-DelegatedAdminProperty -InputObject $nativeError -Name 'code'
        if ($null -ne $code) {
            $text = '{0} (code {1})' -f $text, $code
        }
        return $text
    }
    $credential = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'credential')
    $cloud = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'cloud')
    $services = Get-DelegatedAdminProperty -InputObject $result -Name 'services'
    foreach ($item in @($services)) {
        if ($null -eq $item) {
            continue
        }
        $id = [string](Get-DelegatedAdminProperty -InputObject $item -Name 'service')
        $token = Get-DelegatedAdminProperty -InputObject $item -Name 'token'
        $probe = Get-DelegatedAdminProperty -InputObject $item -Name 'probe'
        $mfa = Get-DelegatedAdminProperty -InputObject $token -Name 'mfa'
        if ($null -ne $mfa) {
            $mfa = [bool]$mfa
        }
        $status = Get-DelegatedAdminProperty -InputObject $probe -Name 'status'
        if ($null -ne $status) {
            $status = [int]$status
        }
        $reachable = Get-DelegatedAdminProperty -InputObject $probe -Name 'reachable'
        if ($null -ne $reachable) {
            $reachable = [bool]$reachable
        }
        $probeOk = Get-DelegatedAdminProperty -InputObject $probe -Name 'ok'
        if ($null -ne $probeOk) {
            $probeOk = [bool]$probeOk
        }
        $permissions = Get-DelegatedAdminProperty -InputObject $token -Name 'permissions'
        $permissions = [string[]]@($permissions | Where-Object { $null -ne $_ })
        $shownName = $names[$id]
        if ([string]::IsNullOrEmpty($shownName)) {
            $shownName = $id
        }
        [pscustomobject]@{
            PSTypeName   = 'DelegatedAdmin.ServiceReadiness'
            Service      = $shownName
            Name         = [string](Get-DelegatedAdminProperty -InputObject $item -Name 'name')
            Ready        = (Get-DelegatedAdminProperty -InputObject $item -Name 'ready') -eq $true
            Audience     = Get-DelegatedAdminProperty -InputObject $token -Name 'audience'
            ExpiresOn    = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $token -Name 'expiresOn')
            Identity     = Get-DelegatedAdminProperty -InputObject $token -Name 'identity'
            Mfa          = $mfa
            MfaNote      = Get-DelegatedAdminProperty -InputObject $token -Name 'mfaNote'
            Permissions  = $permissions
            TenantId     = Get-DelegatedAdminProperty -InputObject $token -Name 'tenantId'
            AppId        = Get-DelegatedAdminProperty -InputObject $token -Name 'appId'
            Endpoint     = Get-DelegatedAdminProperty -InputObject $item -Name 'endpoint'
            Scope        = Get-DelegatedAdminProperty -InputObject $item -Name 'scope'
            TokenError   = & $describe (Get-DelegatedAdminProperty -InputObject $item -Name 'tokenError')
            ProbeRequest = Get-DelegatedAdminProperty -InputObject $probe -Name 'request'
            Reachable    = $reachable
            ProbeOk      = $probeOk
            ProbeStatus  = $status
            ProbeError   = & $describe (Get-DelegatedAdminProperty -InputObject $probe -Name 'error')
            Credential   = $credential
            Cloud        = $cloud
        }
    }
}
