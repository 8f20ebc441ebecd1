function Invoke-DelegatedAdminJob {
    <#
    .SYNOPSIS
    Runs a long native operation as a job: start it, poll it with Write-Progress and -Verbose events, cancel it
    when the command is stopped (Ctrl+C), and always free it.

    .DESCRIPTION
    The shared engine of New-DelegatedAdminDapCleanupPlan, Invoke-DelegatedAdminDapCleanup,
    Get-DelegatedAdminCustomer (listCustomers), Remove-DelegatedAdminLighthouseAssignment (removeLighthouseAssignment),
    Get-DelegatedAdminGdapRelationship (listGdapRelationships), Remove-DelegatedAdminGdapGlobalAdminRole
    (removeGdapGlobalAdminRole) and Stop-DelegatedAdminGdapRelationship -Wait (terminateGdapRelationship).
    1. da_job_start with {"operation", ...the operation's fields} plus the connection's common fields
       (Get-DelegatedAdminCommonRequest: auth, cloud, authority, endpoints, proxy, timeoutSeconds, maxRetries) and a
       new correlationId. -RawJson members are spliced into the request text as they are (the plan JSON is applied
       exactly as it was made, with no lossy round trip through PowerShell objects).
    2. da_job_poll every -PollIntervalMilliseconds: its events go to Write-Verbose, its progress to
       Write-DelegatedAdminJobProgress. The native library never calls back into PowerShell; this thread polls.
    3. When the job has ended: da_job_result, parsed; an error envelope is thrown as an ErrorRecord.
    4. finally, whatever happened: if the job has not ended (the pipeline was stopped by Ctrl+C, or polling
       failed), da_job_cancel, then da_job_result with waitSeconds so that the job settles (an apply journals every
       outcome before it ends), then da_job_free in every case, then Write-Progress -Completed. The native calls
       come first and are plain .NET method calls, which run even while the pipeline is stopping.

    The cleanup operations and listCustomers list customers through the Customer Admin endpoint; the plan also
    lists the GDAP relationships through Graph's, and an apply removes DAP through Partner Center's: every service
    at its own endpoint ("endpoints"), and with its own token when the connection brings one per service
    ("accessTokens"). removeLighthouseAssignment goes to Resource Manager, the GDAP operations to Graph.

    .PARAMETER Operation
    The job's operation (planDapCleanup, applyDapCleanup, listCustomers, removeLighthouseAssignment,
    listGdapRelationships, removeGdapGlobalAdminRole, terminateGdapRelationship).

    .PARAMETER Request
    The operation's own fields (camelCase, as in include/delegated_admin.h).

    .PARAMETER RawJson
    Request members given as JSON text (for example @{ plan = $planJson }), inserted without re-serializing.

    .PARAMETER Activity
    The Write-Progress activity.

    .PARAMETER StoppedMessage
    The warning shown when the job is cancelled because the command stopped (for example how to resume).

    .PARAMETER CancelWaitSeconds
    How long to wait for a cancelled job to settle before freeing it.

    .PARAMETER PollIntervalMilliseconds
    The pause between two polls.

    .PARAMETER ProgressParentId
    The Write-Progress id of the caller's own progress bar, if any, so that this job's bar nests under it.

    .PARAMETER Failure
    When given, an error of the job (its start or its result) is stored in this [ref] instead of thrown (see
    Invoke-DelegatedAdminNative).

    .PARAMETER TargetObject
    What the job is about (a plan id); it becomes the TargetObject of errors.

    .OUTPUTS
    PSCustomObject. The job's result: the plan or the report.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('plan', 'apply', 'accessLedger', 'planDapCleanup', 'applyDapCleanup', 'listCustomers', 'removeLighthouseAssignment',
            'listGdapRelationships', 'removeGdapGlobalAdminRole', 'terminateGdapRelationship')]
        [string] $Operation,

        [Parameter()]
        [System.Collections.IDictionary] $Request = @{},

        [Parameter()]
        [System.Collections.IDictionary] $RawJson = @{},

        [Parameter(Mandatory = $true)]
        [string] $Activity,

        [Parameter()]
        [string] $StoppedMessage,

        [Parameter()]
        [ValidateRange(0, 86400)]
        [int] $CancelWaitSeconds = 60,

        [Parameter()]
        [ValidateRange(10, 10000)]
        [int] $PollIntervalMilliseconds = 200,

        [Parameter()]
        [object] $TargetObject,

        [Parameter()]
        [int] $ProgressParentId = -1,

        [Parameter()]
        [ref] $Failure
    )

    $returnFailure = $PSBoundParameters.ContainsKey('Failure')
    $blockingName = @{
        planDapCleanup             = 'da_plan_dap_cleanup'
        applyDapCleanup            = 'da_apply_dap_cleanup'
        listCustomers              = 'da_list_delegated_admin_customers'
        removeLighthouseAssignment = 'da_remove_lighthouse_assignment'
        listGdapRelationships      = 'da_list_gdap_relationships'
        removeGdapGlobalAdminRole  = 'da_remove_gdap_global_admin_role'
        terminateGdapRelationship  = 'da_terminate_gdap_relationship'
        plan                       = 'da_plan'
        apply                      = 'da_apply'
        accessLedger               = 'da_access_ledger'
    }[$Operation]
    # The services each operation needs a token for (the first is shown with -Verbose). The plan also asks
    # Graph for the GDAP relationships, but a connection without a Graph token still plans: the library then
    # holds every candidate as gdap_unknown and says why.
    $services = @{
        planDapCleanup             = @('CustomerAdmin')
        applyDapCleanup            = @('CustomerAdmin', 'PartnerCenter')
        listCustomers              = @('CustomerAdmin')
        removeLighthouseAssignment = @('ResourceManager')
        listGdapRelationships      = @('Graph')
        removeGdapGlobalAdminRole  = @('Graph')
        terminateGdapRelationship  = @('Graph')
        # The engine's actions: GDAP through Graph, Lighthouse through Resource Manager, DAP through both
        # customer APIs; each service at its own endpoint.
        plan                       = @('Graph', 'ResourceManager', 'CustomerAdmin', 'PartnerCenter')
        apply                      = @('Graph', 'ResourceManager', 'CustomerAdmin', 'PartnerCenter')
        # The access ledger: the customers' DAP state, their GDAP relationships, the Lighthouse delegations.
        accessLedger               = @('CustomerAdmin', 'Graph', 'ResourceManager')
    }[$Operation]

    $connection = $script:DelegatedAdminConnection
    if ($null -eq $connection) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message 'Not connected. Run Connect-DelegatedAdmin first (for example Connect-DelegatedAdmin -TenantId <partner tenant> -ClientId <app id> -DeviceCode).' -ErrorId 'DelegatedAdmin.NotConnected' -Category InvalidOperation -TargetObject $TargetObject
        if ($returnFailure) {
            $Failure.Value = $record
            return
        }
        throw $record
    }

    $correlationId = [guid]::NewGuid().ToString()
    $body = [ordered]@{ operation = $Operation }
    foreach ($key in $Request.Keys) {
        $body[$key] = $Request[$key]
    }

    $serviceUrl = Get-DelegatedAdminServiceUrl -Connection $connection -Service $services[0]
    $serviceHost = $serviceUrl
    $uri = $null
    if ([Uri]::TryCreate($serviceUrl, [UriKind]::Absolute, [ref]$uri)) {
        $serviceHost = $uri.Authority
    }
    Write-Verbose ('da_job_start ({0}): {1} (correlation id {2})' -f $Operation, $serviceHost, $correlationId)

    $jobId = $null
    $finished = $false
    $resultText = $null
    $state = $null
    $startFailure = $null
    $progressId = Get-DelegatedAdminProgressId -Operation $Operation
    $maxEvents = 1000
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        # Start. The secrets exist as plain text only inside this block.
        $json = $null
        $startText = $null
        try {
            # The connection's fields, auth included; each service the job reaches is at its own endpoint, with
            # its own token when the connection brings a token per service.
            $common = Get-DelegatedAdminCommonRequest -Connection $connection -Service $services
            foreach ($key in @($common.Keys)) {
                if (-not $body.Contains($key)) {
                    $body[$key] = $common[$key]
                }
            }
            $body['correlationId'] = $correlationId
            $json = ConvertTo-Json -InputObject $body -Depth 10 -Compress
            foreach ($name in @($RawJson.Keys)) {
                $json = '{"' + [string]$name + '":' + [string]$RawJson[$name] + ',' + $json.Substring(1)
            }
            try {
                $startText = $script:DelegatedAdminNative::JobStart($json)
            }
            catch {
                $inner = $_.Exception
                while ($null -ne $inner.InnerException) {
                    $inner = $inner.InnerException
                }
                $startFailure = ConvertTo-DelegatedAdminErrorRecord -Message ('Calling da_job_start in the native library failed: {0}' -f $inner.Message) -ErrorId 'DelegatedAdmin.NativeCallFailed' -Category ResourceUnavailable -TargetObject $TargetObject -Exception $inner
            }
        }
        catch {
            # Get-DelegatedAdminCommonRequest: no token for this service, or a certificate that cannot sign.
            $startFailure = $_
        }
        finally {
            Clear-DelegatedAdminRequestSecret -Request $body
            $json = $null
        }

        $started = $null
        if ($null -eq $startFailure) {
            $envelopeFailure = $null
            $started = ConvertFrom-DelegatedAdminEnvelope -Json $startText -Operation $blockingName -TargetObject $TargetObject -Failure ([ref]$envelopeFailure)
            $startFailure = $envelopeFailure
        }
        if ($null -eq $startFailure) {
            $startedId = [string](Get-DelegatedAdminProperty -InputObject $started -Name 'jobId')
            $parsedId = [guid]::Empty
            if ([guid]::TryParse($startedId, [ref]$parsedId)) {
                $jobId = $parsedId.ToString()
            }
            else {
                $startFailure = ConvertTo-DelegatedAdminErrorRecord -Message ("da_job_start returned no job id (got '{0}')." -f $startedId) -ErrorId 'DelegatedAdmin.InvalidEnvelope' -Category InvalidResult -TargetObject $TargetObject
            }
        }
        # Nothing started on a failure: it is reported after the finally below (which has nothing to cancel).
        if ($null -eq $startFailure) {
            Write-Verbose ('Job {0} started ({1}); polling every {2} ms.' -f $jobId, $Operation, $PollIntervalMilliseconds)

            # Poll until the job has ended and every event is drained.
            $pollJson = '{"jobId":"' + $jobId + '","maxEvents":' + $maxEvents + '}'
            $lastDropped = [long]0
            while ($true) {
                $pollText = $script:DelegatedAdminNative::JobPoll($pollJson)
                $status = ConvertFrom-DelegatedAdminEnvelope -Json $pollText -Operation 'da_job_poll' -TargetObject $TargetObject

                $shown = 0
                foreach ($jobEvent in $status.events) {
                    if ($null -eq $jobEvent) {
                        continue
                    }
                    $shown++
                    $at = $jobEvent.at
                    $atText = ''
                    if ($at -is [datetime]) {
                        $atText = $at.ToString('HH:mm:ss', [System.Globalization.CultureInfo]::InvariantCulture)
                    }
                    elseif ($null -ne $at) {
                        $atString = [string]$at
                        if ($atString.Length -ge 19) {
                            $atText = $atString.Substring(11, 8)
                        }
                    }
                    Write-Verbose (('{0} {1}' -f $atText, [string]$jobEvent.message).Trim())
                }
                $dropped = [long]$status.droppedEvents
                if ($dropped -gt $lastDropped) {
                    Write-Verbose ('{0} progress events were dropped (the library keeps 10,000 between two polls); the journal and the report have every outcome.' -f ($dropped - $lastDropped))
                    $lastDropped = $dropped
                }

                Write-DelegatedAdminJobProgress -Operation $Operation -Activity $Activity -Status $status -Id $progressId -ParentId $ProgressParentId

                $state = [string]$status.state
                if ($state -eq 'succeeded' -or $state -eq 'failed' -or $state -eq 'cancelled') {
                    if ($shown -lt $maxEvents) {
                        break
                    }
                    continue
                }
                Start-Sleep -Milliseconds $PollIntervalMilliseconds
            }

            $resultText = $script:DelegatedAdminNative::JobResult('{"jobId":"' + $jobId + '","waitSeconds":30}')
            $finished = $true
        }
    }
    finally {
        if ($null -ne $jobId) {
            $settled = $null
            if (-not $finished) {
                # Stopped (Ctrl+C) or failed while the job runs: cancel it and let it settle, so that an apply has
                # journaled every outcome before the command ends. Plain .NET calls: they run while stopping.
                try {
                    $null = $script:DelegatedAdminNative::JobCancel('{"jobId":"' + $jobId + '"}')
                    $settled = $script:DelegatedAdminNative::JobResult('{"jobId":"' + $jobId + '","waitSeconds":' + $CancelWaitSeconds + '}')
                }
                catch {
                    $settled = $null
                }
            }
            try {
                $null = $script:DelegatedAdminNative::JobFree('{"jobId":"' + $jobId + '"}')
            }
            catch {
                $null = $null
            }

            if (-not $finished) {
                $message = $StoppedMessage
                if ([string]::IsNullOrEmpty($message)) {
                    $message = 'The job was cancelled.'
                }
                # A quote inside a JSON string is escaped, so this only matches the envelope's own "ok" member.
                $settledOk = $false
                if ($null -ne $settled -and $settled -match '"ok"\s*:\s*true') {
                    $settledOk = $true
                }
                if ($null -eq $settled -or $settled -match '"kind"\s*:\s*"conflict"') {
                    $message = '{0} (Job {1} did not end within {2} s of the cancel; it was released and ends on its own.)' -f $message, $jobId, $CancelWaitSeconds
                }
                elseif (-not $settledOk) {
                    $message = '{0} (Job {1} ended with an error: {2})' -f $message, $jobId, $settled
                }
                elseif ($settled -match '"counts"\s*:\s*\{[^{}]*\}') {
                    $countsText = $Matches[0]
                    $numbers = @{}
                    foreach ($name in @('candidates', 'removed', 'failed', 'skippedCandidates', 'fromJournal')) {
                        $numbers[$name] = '?'
                        if ($countsText -match ('"' + $name + '"\s*:\s*(\d+)')) {
                            $numbers[$name] = $Matches[1]
                        }
                    }
                    $message = '{0} Before the stop: {1} removed, {2} failed, {3} not done of {4} candidates ({5} settled by earlier runs).' -f $message, $numbers['removed'], $numbers['failed'], $numbers['skippedCandidates'], $numbers['candidates'], $numbers['fromJournal']
                }
                # Writing may fail while the pipeline stops: the warning stream first, then the host directly.
                try {
                    Write-Warning $message
                }
                catch {
                    try {
                        $Host.UI.WriteWarningLine($message)
                    }
                    catch {
                        $null = $null
                    }
                }
            }
        }
        try {
            Write-Progress -Id $progressId -Activity $Activity -Completed
        }
        catch {
            $null = $null
        }
    }

    if ($null -ne $startFailure) {
        if ($returnFailure) {
            $Failure.Value = $startFailure
            return
        }
        throw $startFailure
    }
    Write-Verbose ('Job {0} {1} after {2} s.' -f $jobId, $state, $watch.Elapsed.TotalSeconds.ToString('0.0', [System.Globalization.CultureInfo]::InvariantCulture))
    if ($returnFailure) {
        $resultFailure = $null
        $result = ConvertFrom-DelegatedAdminEnvelope -Json $resultText -Operation $blockingName -TargetObject $TargetObject -Failure ([ref]$resultFailure)
        if ($null -ne $resultFailure) {
            $Failure.Value = $resultFailure
            return
        }
        return $result
    }
    return (ConvertFrom-DelegatedAdminEnvelope -Json $resultText -Operation $blockingName -TargetObject $TargetObject)
}
