function Invoke-DelegatedAdminNative {
    <#
    .SYNOPSIS
    Hashtable in, native call, result object out, or an ErrorRecord thrown: the one door to the native library.

    .DESCRIPTION
    1. Adds the common fields from the connection (Get-DelegatedAdminCommonRequest): auth (the only place where
       SecureStrings become plain text, just for the JSON), cloud, authority, endpoints, proxy, timeoutSeconds and
       maxRetries, and a correlationId (a new GUID, so that -Verbose can show it before the call).
    2. Serializes with ConvertTo-Json -Depth 10 -Compress and calls the native function through
       $script:DelegatedAdminNative::Invoke (UTF-8 in, UTF-8 out, always freed).
    3. Parses the envelope; returns "result" when ok is true, otherwise throws the ErrorRecord built by
       ConvertTo-DelegatedAdminErrorRecord (callers write it as terminating or non-terminating).
    -Verbose shows the operation, the HTTP method, the service host and the correlation id; never a secret.

    .PARAMETER Operation
    The native function (da_...).

    .PARAMETER Request
    The operation's own fields (camelCase keys, as in docs/api.md).

    .PARAMETER Connection
    The connection to use instead of the module's (Connect-DelegatedAdmin validates before it stores one).

    .PARAMETER TargetObject
    What the call is about (customer id, assignment id); it becomes the ErrorRecord's TargetObject.

    .PARAMETER Failure
    When given, a failure is not thrown: its ErrorRecord is stored in this [ref] and nothing is returned. Cmdlets
    that write one non-terminating error per pipeline item use it, because an exception thrown (even if caught)
    inside a command is also collected by its caller's -ErrorVariable, which would then hold every error twice.

    .OUTPUTS
    PSCustomObject. The envelope's result.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('da_acquire_token', 'da_start_device_code', 'da_poll_device_code', 'da_start_interactive_sign_in',
            'da_check_readiness', 'da_list_delegated_admin_customers', 'da_remove_dap_relationship',
            'da_update_delegated_admin_relationship', 'da_list_lighthouse_assignments', 'da_remove_lighthouse_assignment',
            'da_list_gdap_relationships', 'da_get_gdap_relationship', 'da_set_gdap_auto_extend',
            'da_remove_gdap_global_admin_role', 'da_terminate_gdap_relationship', 'da_list_gdap_access_assignments',
            'da_list_gdap_customers')]
        [string] $Operation,

        [Parameter()]
        [System.Collections.IDictionary] $Request = @{},

        [Parameter()]
        [object] $Connection,

        [Parameter()]
        [object] $TargetObject,

        [Parameter()]
        [ref] $Failure
    )

    $returnFailure = $PSBoundParameters.ContainsKey('Failure')

    # What each operation talks to: the services whose token it needs (the first also for -Verbose), the HTTP
    # method for -Verbose, and whether it takes a credential at all.
    $operations = @{
        'da_acquire_token'                       = @{ Service = @('Identity'); Method = 'POST'; Auth = $true }
        'da_start_device_code'                   = @{ Service = @('Identity'); Method = 'POST'; Auth = $false }
        'da_poll_device_code'                    = @{ Service = @('Identity'); Method = 'POST'; Auth = $false }
        'da_start_interactive_sign_in'           = @{ Service = @('Identity'); Method = 'GET'; Auth = $false }
        'da_check_readiness'                     = @{ Service = @('Any'); Method = 'GET'; Auth = $true }
        'da_list_delegated_admin_customers'      = @{ Service = @('CustomerAdmin'); Method = 'GET'; Auth = $true }
        'da_remove_dap_relationship'             = @{ Service = @('PartnerCenter'); Method = 'PATCH'; Auth = $true }
        'da_update_delegated_admin_relationship' = @{ Service = @('CloudCockpit'); Method = 'PATCH'; Auth = $true }
        'da_list_lighthouse_assignments'         = @{ Service = @('ResourceManager'); Method = 'GET'; Auth = $true }
        'da_remove_lighthouse_assignment'        = @{ Service = @('ResourceManager'); Method = 'DELETE'; Auth = $true }
        'da_list_gdap_relationships'             = @{ Service = @('Graph'); Method = 'GET'; Auth = $true }
        'da_get_gdap_relationship'               = @{ Service = @('Graph'); Method = 'GET'; Auth = $true }
        'da_set_gdap_auto_extend'                = @{ Service = @('Graph'); Method = 'PATCH'; Auth = $true }
        'da_remove_gdap_global_admin_role'       = @{ Service = @('Graph'); Method = 'PATCH'; Auth = $true }
        'da_terminate_gdap_relationship'         = @{ Service = @('Graph'); Method = 'POST'; Auth = $true }
        'da_list_gdap_access_assignments'        = @{ Service = @('Graph'); Method = 'GET'; Auth = $true }
        'da_list_gdap_customers'                 = @{ Service = @('Graph'); Method = 'GET'; Auth = $true }
    }
    $info = $operations[$Operation]

    if (-not $PSBoundParameters.ContainsKey('Connection')) {
        $Connection = $script:DelegatedAdminConnection
    }
    if ($info.Auth -and $null -eq $Connection) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message 'Not connected. Run Connect-DelegatedAdmin first (for example Connect-DelegatedAdmin -TenantId <partner tenant> -ClientId <app id> -ClientSecret (Read-Host -AsSecureString)).' -ErrorId 'DelegatedAdmin.NotConnected' -Category InvalidOperation -TargetObject $TargetObject
        if ($returnFailure) {
            $Failure.Value = $record
            return
        }
        throw $record
    }

    $correlationId = [guid]::NewGuid().ToString()
    $body = [ordered]@{}
    foreach ($key in $Request.Keys) {
        $body[$key] = $Request[$key]
    }

    $shownService = $info.Service[0]
    if ($shownService -eq 'Any') {
        $shownService = 'Identity'
    }
    if ($null -ne $Connection) {
        $serviceUrl = Get-DelegatedAdminServiceUrl -Connection $Connection -Service $shownService
    }
    elseif ($body.Contains('authority')) {
        $serviceUrl = [string]$body['authority']
    }
    else {
        $serviceUrl = Get-DelegatedAdminServiceUrl -Connection $null -Service $shownService
    }
    $serviceHost = $serviceUrl
    $uri = $null
    if ([Uri]::TryCreate($serviceUrl, [UriKind]::Absolute, [ref]$uri)) {
        $serviceHost = $uri.Authority
    }
    if ($info.Service[0] -eq 'Any') {
        $serviceHost = 'every service'
    }
    Write-Verbose ('{0}: {1} {2} (correlation id {3})' -f $Operation, $info.Method, $serviceHost, $correlationId)

    $json = $null
    $envelopeJson = $null
    $record = $null
    $started = [DateTime]::UtcNow
    try {
        if ($null -ne $Connection) {
            # The connection's fields (auth included: the only place where its secrets become plain text, just
            # for this JSON). A field the caller set (an authority for a flow before any connection) wins.
            $common = Get-DelegatedAdminCommonRequest -Connection $Connection -Service $info.Service -NoAuth:(-not $info.Auth)
            foreach ($key in @($common.Keys)) {
                if (-not $body.Contains($key)) {
                    $body[$key] = $common[$key]
                }
            }
        }
        $body['correlationId'] = $correlationId

        $json = ConvertTo-Json -InputObject $body -Depth 10 -Compress

        try {
            $envelopeJson = $script:DelegatedAdminNative::Invoke($Operation, $json)
        }
        catch {
            $inner = $_.Exception
            while ($null -ne $inner.InnerException) {
                $inner = $inner.InnerException
            }
            $record = ConvertTo-DelegatedAdminErrorRecord -Message ('Calling {0} in the native library failed: {1}' -f $Operation, $inner.Message) -ErrorId 'DelegatedAdmin.NativeCallFailed' -Category ResourceUnavailable -TargetObject $TargetObject -Exception $inner
        }
    }
    catch {
        # Get-DelegatedAdminAuthRequest: no token for this service, or a certificate that cannot sign.
        $record = $_
    }
    finally {
        # Drop every plain-text copy of a secret as soon as the call returns.
        Clear-DelegatedAdminRequestSecret -Request $body
        $json = $null
    }

    if ($null -ne $record) {
        if ($returnFailure) {
            $Failure.Value = $record
            return
        }
        throw $record
    }

    $elapsed = [int]([DateTime]::UtcNow - $started).TotalMilliseconds
    try {
        $envelope = ConvertFrom-Json -InputObject $envelopeJson -ErrorAction Stop
    }
    catch {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ('{0} returned text that is not JSON: {1}' -f $Operation, $_.Exception.Message) -ErrorId 'DelegatedAdmin.InvalidEnvelope' -Category InvalidResult -TargetObject $TargetObject -Exception $_.Exception
        if ($returnFailure) {
            $Failure.Value = $record
            return
        }
        throw $record
    }

    $echoedCorrelationId = Get-DelegatedAdminProperty -InputObject $envelope -Name 'correlationId'
    if ($null -eq $echoedCorrelationId) {
        $echoedCorrelationId = $correlationId
    }

    if ((Get-DelegatedAdminProperty -InputObject $envelope -Name 'ok') -eq $true) {
        Write-Verbose ('{0}: succeeded in {1} ms (correlation id {2})' -f $Operation, $elapsed, $echoedCorrelationId)
        $result = Get-DelegatedAdminProperty -InputObject $envelope -Name 'result'
        return $result
    }

    $nativeError = Get-DelegatedAdminProperty -InputObject $envelope -Name 'error'
    if ($null -eq $nativeError) {
        $nativeError = [pscustomobject]@{ kind = 'internal'; message = 'The native library returned an envelope with neither result nor error.'; correlationId = $echoedCorrelationId }
    }
    Write-Verbose ('{0}: failed with {1} in {2} ms (correlation id {3})' -f $Operation, (Get-DelegatedAdminProperty -InputObject $nativeError -Name 'kind'), $elapsed, $echoedCorrelationId)
    $record = ConvertTo-DelegatedAdminErrorRecord -NativeError $nativeError -Operation $Operation -TargetObject $TargetObject
    if ($returnFailure) {
        $Failure.Value = $record
        return
    }
    throw $record
}
