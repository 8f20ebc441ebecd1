function Invoke-DelegatedAdminDapCleanup {
    <#
    .SYNOPSIS
    Applies a DAP cleanup plan: removes the DAP relationships of its candidates, with bounded concurrency, a
    resumable journal, progress, and a report of every customer.

    .DESCRIPTION
    Takes a plan from New-DelegatedAdminDapCleanupPlan (from the pipeline) or a saved plan (-PlanPath) and removes
    the DAP relationship (Partner Center PATCH /v1/customers/{id} with AllowDelegatedAccess false) of each of its
    candidates, in the native library: -Concurrency removals at once, paced at -RequestsPerSecond for all of them
    together, a 429's Retry-After pausing every worker, transient failures retried. Before removing, it lists the
    DAP-enabled customers once and skips candidates whose DAP is already gone or who signed in since the plan was
    made (-NoRecheck turns this off). It never acts on a customer that is not a candidate of the plan.

    Asking: ConfirmImpact is High. Without -Force it asks for each candidate (Yes to All answers the rest) and
    applies only the confirmed ones, as a reduced plan with the same plan id (so the journal still matches; the
    declined customers are reported as skipped and a later run can still remove them). With -Force or
    -Confirm:$false it asks nothing but the one ShouldProcess of the batch ("Remove N DAP relationships").
    -WhatIf lists every candidate as a "What if" line plus the batch, and calls nothing.

    Journal and resume: every outcome is appended to the journal (one JSON line each, flushed) as it happens.
    Running this again with the same plan and the same -JournalPath resumes: what is done is skipped, nothing is
    acted on twice, and failures are tried again. Ctrl+C cancels cleanly: no new customer is started, the run
    settles and journals what it did, and the warning names the journal to resume with. Without -JournalPath the
    journal is dap-cleanup-<plan id>.journal.jsonl in the per-user data folder (%LOCALAPPDATA%\DelegatedAdmin\journals
    on Windows, ~/.local/share/DelegatedAdmin/journals on Linux), never the current directory (System32 for SYSTEM
    and scheduled tasks); the command prints where it is.

    Progress: Write-Progress shows the percentage done, the removed, failed and skipped counts, the requests in
    flight and the throttle pauses; -Verbose shows each outcome as it happens. When the report arrives, each
    customer whose removal failed is written as a non-terminating error (ErrorCategory from the error kind, the
    service code, the HTTP status and the correlation id; TargetObject is the customer tenant id), and the report
    is returned. A refused credential (401/403) stops the run early: the report says so.

    .PARAMETER Plan
    The DelegatedAdmin.DapCleanupPlan from New-DelegatedAdminDapCleanupPlan (from the pipeline).

    .PARAMETER PlanPath
    A plan saved with New-DelegatedAdminDapCleanupPlan -Path.

    .PARAMETER JournalPath
    The journal file. Use the same one to resume an interrupted run of the same plan; a journal of another plan is
    refused. Default: dap-cleanup-<plan id>.journal.jsonl in the per-user data folder (see the description). Give
    it in scheduled tasks and runbooks, where the account's profile may not last.

    .PARAMETER ReportPath
    Also write the report as JSON to this file.

    .PARAMETER ReportCsvPath
    Also write the outcomes as CSV (one row per customer: outcome, stage, reason, error kind, code, HTTP status,
    message, correlation id, time) to this file.

    .PARAMETER Concurrency
    Removals in flight at once (1 to 64; the library's default is 4).

    .PARAMETER RequestsPerSecond
    The pace of all requests together (the library's default is 8, under Partner Center's documented 500 a
    minute); 0 sends unpaced (a 429 still pauses every worker).

    .PARAMETER NoRecheck
    Does not list the DAP-enabled customers again before removing.

    .PARAMETER Force
    Removes without asking for each customer (one ShouldProcess for the batch; -WhatIf still only reports).

    .EXAMPLE
    $plan = New-DelegatedAdminDapCleanupPlan -InactiveDays 90 -Path ./dap-plan.json
    $plan | Invoke-DelegatedAdminDapCleanup -WhatIf

    Shows what would be removed: one "What if" line per candidate. Nothing is sent.

    .EXAMPLE
    $plan | Invoke-DelegatedAdminDapCleanup

    Asks for each candidate (answer Y, A for Yes to All, N or L for No to All) and removes only the confirmed ones.

    .EXAMPLE
    $report = Invoke-DelegatedAdminDapCleanup -PlanPath ./dap-plan.json -JournalPath ./dap-plan.journal.jsonl -ReportCsvPath ./dap-report.csv -Force -ErrorVariable failed
    $report.Counts
    $failed | ForEach-Object { '{0}: {1}' -f $_.TargetObject, $_.Exception.CorrelationId }

    Removes every candidate without asking, writes the CSV report, and lists the failures with their correlation ids.

    .EXAMPLE
    Invoke-DelegatedAdminDapCleanup -PlanPath ./dap-plan.json -JournalPath ./dap-plan.journal.jsonl -Force

    After Ctrl+C (or a crash), the same command resumes: the customers already settled in the journal are not
    touched again.

    .EXAMPLE
    $report.Outcomes | Where-Object Outcome -eq 'failed' | Format-Table OrganizationDisplayName, CustomerTenantId, ErrorKind, HttpStatus, CorrelationId

    Reviews the failures of a run.

    .OUTPUTS
    DelegatedAdmin.DapCleanupReport
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High', DefaultParameterSetName = 'Plan')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'Where the default journal went must reach the person or the log of the run, whatever the output streams do.')]
    [OutputType('DelegatedAdmin.DapCleanupReport')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ParameterSetName = 'Plan')]
        [ValidateNotNull()]
        [psobject] $Plan,

        [Parameter(Mandatory = $true, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $PlanPath,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $JournalPath,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $ReportPath,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $ReportCsvPath,

        [Parameter()]
        [ValidateRange(1, 64)]
        [int] $Concurrency,

        [Parameter()]
        [ValidateRange(0.0, 10000.0)]
        [double] $RequestsPerSecond,

        [Parameter()]
        [switch] $NoRecheck,

        [Parameter()]
        [switch] $Force
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) {
            $ConfirmPreference = 'None'
        }
        # -Force or -Confirm:$false: one ShouldProcess for the whole batch; otherwise one per customer.
        $batch = [bool]$Force
        if ($PSBoundParameters.ContainsKey('Confirm') -and -not [bool]$PSBoundParameters['Confirm']) {
            $batch = $true
        }
        $action = 'Remove the DAP (delegated admin privileges) relationship'
    }

    process {
        # 1. The plan: its object (for the questions) and its JSON (what is applied, as the library wrote it).
        $planObject = $null
        $planFile = $null
        if ($PSCmdlet.ParameterSetName -eq 'Path') {
            $planFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($PlanPath)
            try {
                $text = [System.IO.File]::ReadAllText($planFile, [System.Text.Encoding]::UTF8)
                $raw = ConvertFrom-Json -InputObject $text -ErrorAction Stop
                if ($null -eq $raw.planId -or $null -eq $raw.candidates) {
                    throw "it has no planId or no candidates: it is not a plan of New-DelegatedAdminDapCleanupPlan."
                }
            }
            catch {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The plan '{0}' cannot be read: {1}" -f $planFile, $_.Exception.Message) -ErrorId 'DelegatedAdmin.InvalidArgument.PlanPath' -Category InvalidArgument -TargetObject $planFile -Exception $_.Exception
                $PSCmdlet.ThrowTerminatingError($record)
            }
            $planObject = ConvertTo-DelegatedAdminDapCleanupPlan -Plan $raw -PlanJson $text -Path $planFile
        }
        else {
            $jsonProperty = $Plan.PSObject.Properties['PlanJson']
            if ($null -eq $jsonProperty -or [string]::IsNullOrEmpty([string]$jsonProperty.Value)) {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message '-Plan takes the DelegatedAdmin.DapCleanupPlan object that New-DelegatedAdminDapCleanupPlan returns; for a plan saved in a file use -PlanPath.' -ErrorId 'DelegatedAdmin.InvalidArgument.Plan' -Category InvalidArgument -TargetObject $Plan
                $PSCmdlet.ThrowTerminatingError($record)
            }
            $planObject = $Plan
            $pathProperty = $Plan.PSObject.Properties['Path']
            if ($null -ne $pathProperty -and -not [string]::IsNullOrEmpty([string]$pathProperty.Value)) {
                $planFile = [string]$pathProperty.Value
            }
        }
        $planId = [string]$planObject.PlanId
        $candidates = New-Object -TypeName 'System.Collections.Generic.List[object]'
        foreach ($entry in $planObject.Candidates) {
            if ($null -ne $entry) {
                $candidates.Add($entry)
            }
        }
        $count = $candidates.Count
        $planTarget = 'DAP cleanup plan {0} ({1} candidates of {2} customers)' -f $planId, $count, $planObject.CustomerCount
        $batchAction = 'Remove {0} DAP relationships' -f $count

        # 2. -WhatIf: every candidate and the batch, and nothing is called.
        if ($WhatIfPreference) {
            foreach ($entry in $candidates) {
                $target = [string]$entry.CustomerTenantId
                if (-not [string]::IsNullOrEmpty([string]$entry.OrganizationDisplayName)) {
                    $target = "'{0}' ({1})" -f $entry.OrganizationDisplayName, $entry.CustomerTenantId
                }
                $null = $PSCmdlet.ShouldProcess($target, $action)
            }
            $null = $PSCmdlet.ShouldProcess($planTarget, $batchAction)
            return
        }

        # 3. Which candidates: the batch at once, or each one asked.
        $confirmed = New-Object -TypeName 'System.Collections.Generic.List[string]'
        if ($count -eq 0) {
            Write-Verbose ('Plan {0} has no candidates: nothing will be removed; the run only writes the report.' -f $planId)
        }
        elseif ($batch) {
            if (-not $PSCmdlet.ShouldProcess($planTarget, $batchAction)) {
                return
            }
            foreach ($entry in $candidates) {
                $confirmed.Add([string]$entry.CustomerTenantId)
            }
        }
        else {
            foreach ($entry in $candidates) {
                $target = [string]$entry.CustomerTenantId
                if (-not [string]::IsNullOrEmpty([string]$entry.OrganizationDisplayName)) {
                    $target = "'{0}' ({1})" -f $entry.OrganizationDisplayName, $entry.CustomerTenantId
                }
                if ($PSCmdlet.ShouldProcess($target, $action)) {
                    $confirmed.Add([string]$entry.CustomerTenantId)
                }
            }
            if ($confirmed.Count -eq 0) {
                Write-Verbose ('No DAP relationship of plan {0} was confirmed: nothing was applied.' -f $planId)
                return
            }
        }

        $planJson = [string]$planObject.PlanJson
        if ($confirmed.Count -lt $count) {
            try {
                $planJson = ConvertTo-DelegatedAdminReducedPlanJson -PlanJson $planJson -CustomerTenantId $confirmed.ToArray()
            }
            catch {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ('The plan {0} cannot be reduced to the confirmed candidates: {1}' -f $planId, $_.Exception.Message) -ErrorId 'DelegatedAdmin.InvalidArgument.Plan' -Category InvalidData -TargetObject $planId -Exception $_.Exception
                $PSCmdlet.ThrowTerminatingError($record)
            }
            Write-Verbose ('Applying the {0} confirmed of the {1} candidates of plan {2}; the {3} declined ones are reported as skipped, and a later run of the whole plan with the same journal can still remove them.' -f $confirmed.Count, $count, $planId, ($count - $confirmed.Count))
        }

        # 4. The journal and the reports.
        $journal = $null
        if ($PSBoundParameters.ContainsKey('JournalPath')) {
            $journal = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($JournalPath)
        }
        else {
            # Never the current directory: for SYSTEM and scheduled tasks it is System32.
            $folder = $null
            try {
                $folder = Get-DelegatedAdminDataFolder -Child 'journals'
            }
            catch {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ('No journal: give -JournalPath (the file that records every outcome, to resume with). {0}' -f $_.Exception.Message) -ErrorId 'DelegatedAdmin.InvalidArgument.JournalPath' -Category InvalidArgument -TargetObject $planId
                $PSCmdlet.ThrowTerminatingError($record)
            }
            $journal = [System.IO.Path]::Combine($folder, ('dap-cleanup-{0}.journal.jsonl' -f $planId))
            # Say where it went: it is what a resume needs.
            Write-Host ("Journal of plan {0}: {1}" -f $planId, $journal)
        }
        Write-Verbose ("Journal: '{0}'. Running Invoke-DelegatedAdminDapCleanup again with the same plan and -JournalPath '{0}' resumes this run." -f $journal)

        $request = [ordered]@{ journalPath = $journal }
        $reportFile = $null
        $csvFile = $null
        if ($PSBoundParameters.ContainsKey('ReportPath')) {
            $reportFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ReportPath)
            $request['reportPath'] = $reportFile
        }
        if ($PSBoundParameters.ContainsKey('ReportCsvPath')) {
            $csvFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ReportCsvPath)
            $request['reportCsvPath'] = $csvFile
        }
        if ($PSBoundParameters.ContainsKey('Concurrency')) {
            $request['concurrency'] = $Concurrency
        }
        if ($PSBoundParameters.ContainsKey('RequestsPerSecond')) {
            $request['requestsPerSecond'] = $RequestsPerSecond
        }
        if ($NoRecheck) {
            $request['recheck'] = $false
        }

        # 5. Run it as a job: progress, events, Ctrl+C cancels and waits so that the journal is consistent.
        $resume = "Run Invoke-DelegatedAdminDapCleanup again with the same plan and -JournalPath '{0}' to resume." -f $journal
        $stoppedMessage = 'The DAP cleanup of plan {0} was stopped; every outcome so far is in the journal. {1}' -f $planId, $resume
        $report = $null
        try {
            $report = Invoke-DelegatedAdminJob -Operation 'applyDapCleanup' -Request $request -RawJson @{ plan = $planJson } -Activity ('Removing inactive DAP relationships (plan {0})' -f $planId) -StoppedMessage $stoppedMessage -TargetObject $planId
        }
        catch {
            if ($_.Exception -is [System.Management.Automation.PipelineStoppedException]) {
                throw
            }
            # The run happened but a report file could not be written: the error, and still every outcome.
            $done = $null
            if ($null -ne $_.Exception -and $null -ne $_.Exception.Data) {
                $done = $_.Exception.Data['DelegatedAdmin.Result']
            }
            if ($null -eq $done) {
                $PSCmdlet.ThrowTerminatingError($_)
            }
            $PSCmdlet.WriteError($_)
            $report = $done
        }
        $planJson = $null

        # 6. Each failed customer as a non-terminating error, then the report.
        foreach ($outcome in $report.outcomes) {
            if ($null -eq $outcome -or [string]$outcome.outcome -ne 'failed') {
                continue
            }
            $failure = $outcome.error
            $correlationId = $outcome.correlationId
            if ($null -ne $failure -and $null -ne $failure.correlationId) {
                $correlationId = $failure.correlationId
            }
            $nativeError = [pscustomobject]@{
                kind              = 'internal'
                message           = 'The removal failed without an error.'
                status            = $null
                code              = $null
                correlationId     = $correlationId
                requestId         = $null
                retryAfterSeconds = $null
            }
            if ($null -ne $failure) {
                $nativeError.kind = $failure.kind
                $nativeError.message = $failure.message
                $nativeError.status = $failure.status
                $nativeError.code = $failure.code
                $nativeError.requestId = $failure.requestId
                $nativeError.retryAfterSeconds = $failure.retryAfterSeconds
            }
            $customer = [string]$outcome.customerTenantId
            $target = $customer
            if (-not [string]::IsNullOrEmpty([string]$outcome.organizationDisplayName)) {
                $target = "'{0}' ({1})" -f $outcome.organizationDisplayName, $customer
            }
            $record = ConvertTo-DelegatedAdminErrorRecord -NativeError $nativeError -Operation ('Removing the DAP relationship with {0}' -f $target) -TargetObject $customer
            $PSCmdlet.WriteError($record)
        }

        $result = ConvertTo-DelegatedAdminDapCleanupReport -Report $report -JournalPath $journal -ReportPath $reportFile -ReportCsvPath $csvFile
        $counts = $result.Counts
        Write-Verbose ('Plan {0}: {1} removed, {2} failed, {3} skipped ({4} of them candidates), {5} settled by earlier runs; {6} requests, {7} throttle pauses.' -f $planId, $counts.Removed, $counts.Failed, $counts.Skipped, $counts.SkippedCandidates, $counts.FromJournal, $result.Requests, $result.ThrottlePauses)
        if ($result.StoppedEarly) {
            Write-Warning ('The DAP cleanup of plan {0} stopped early: {1}. {2}' -f $planId, $result.StopReason, $resume)
        }
        # Candidates the recheck (or the plan's own lists) kept: the live data says they should stay. Worth a
        # warning: plan again to reconsider them.
        $kept = @($result.SkippedByReason.Keys | Where-Object { $_ -notin @('not_attempted', 'cancelled_in_flight', 'removed_by_interrupted_run') })
        if ($kept.Count -gt 0) {
            $parts = @($kept | ForEach-Object { '{0} {1}' -f $_, $result.SkippedByReason[$_] })
            Write-Warning ('Plan {0}: {1} candidate(s) were not removed because the live data says to keep them now ({2}); see each outcome''s Reason. Plan again to reconsider them.' -f $planId, (($kept | ForEach-Object { $result.SkippedByReason[$_] }) | Measure-Object -Sum).Sum, ($parts -join ', '))
        }
        if ($null -ne $result.Journal -and ($result.Journal.UnreadableLines -gt 0 -or $result.Journal.ForeignRecords -gt 0)) {
            Write-Warning ('Journal {0}: {1} unreadable line(s) ignored{2}, {3} record(s) of another plan ignored.' -f $result.Journal.Path, $result.Journal.UnreadableLines, $(if ($result.Journal.TornLastLine) { ' (the last one cut by an interrupted write)' } else { '' }), $result.Journal.ForeignRecords)
        }
        $result
    }
}
