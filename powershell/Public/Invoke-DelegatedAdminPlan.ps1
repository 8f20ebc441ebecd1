function Invoke-DelegatedAdminPlan {
    <#
    .SYNOPSIS
    Applies a plan of New-DelegatedAdminPlan (GDAP lifecycle, Lighthouse removal, or DAP cleanup): every
    candidate judged again against the live service, changed once, journaled, resumable.

    .DESCRIPTION
    Applies the plan's exact JSON (the PlanJson of New-DelegatedAdminPlan, or the file -PlanPath) through the
    native engine, as a job: Write-Progress shows it, -Verbose its events, Ctrl+C cancels it cleanly (what was
    sent is journaled; run the same plan with the same journal to resume). Before acting, every candidate is
    judged again with the plan's criteria against the live service, and acted on only when the decision is still
    the plan's; the others are skipped with the reason (decision_changed, already_done, not_found,
    filter_no_longer_matches, ...). A DAP cleanup plan (DelegatedAdmin.DapCleanupPlan) is handed to
    Invoke-DelegatedAdminDapCleanup with the same parameters.

    Asking: ConfirmImpact is High. -WhatIf lists what each candidate's decision would do and changes nothing.
    Otherwise one confirmation for the plan ("Apply plan ...: N changes"), unless -Force or -Confirm:$false.

    The journal: -JournalPath, else a file named after the plan in the per-user data folder (never the current
    directory), whose path is printed.

    .PARAMETER Plan
    A plan from New-DelegatedAdminPlan (from the pipeline).

    .PARAMETER PlanPath
    A plan file saved by New-DelegatedAdminPlan -Path.

    .PARAMETER JournalPath
    The journal that records every outcome as it happens; the same plan with the same journal resumes.

    .PARAMETER ReportPath
    Also write the report as JSON to this file.

    .PARAMETER ReportCsvPath
    Also write the report as CSV (UTF-8 with a byte order mark) to this file.

    .PARAMETER Concurrency
    Changes in flight at once (1 to 64, default 8).

    .PARAMETER DeleteBucket
    RemoveLighthouseAssignment: ARM's delete bucket (default 200).

    .PARAMETER DeleteRefillPerSecond
    RemoveLighthouseAssignment: the bucket's refill a second (default 10).

    .PARAMETER Force
    Applies without asking.

    .EXAMPLE
    New-DelegatedAdminPlan -Action GdapLifecycle -Path ./gdap-plan.json | Invoke-DelegatedAdminPlan -WhatIf

    Shows what applying the GDAP lifecycle plan would change.

    .EXAMPLE
    $report = Invoke-DelegatedAdminPlan -PlanPath ./gdap-plan.json -JournalPath ./gdap-plan.journal.jsonl -ReportCsvPath ./gdap-report.csv -Force
    $report.Outcomes | Where-Object Outcome -ne 'done' | Format-Table RelationshipId, Outcome, ReasonCode, Reason

    Applies a saved plan without asking and lists every relationship that was not changed, with the reason.

    .OUTPUTS
    DelegatedAdmin.PlanReport, or DelegatedAdmin.DapCleanupReport for a DAP cleanup plan
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High', DefaultParameterSetName = 'Plan')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'Where the default journal went must reach the person or the log of the run, whatever the output streams do.')]
    [OutputType('DelegatedAdmin.PlanReport', 'DelegatedAdmin.DapCleanupReport')]
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
        [int] $Concurrency = 8,

        [Parameter()]
        [ValidateRange(1, 100000)]
        [int] $DeleteBucket,

        [Parameter()]
        [ValidateRange(0.001, 10000.0)]
        [double] $DeleteRefillPerSecond,

        [Parameter()]
        [switch] $Force
    )

    process {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) {
            $ConfirmPreference = 'None'
        }
        # 1. The plan's exact text, and what it is.
        $planJson = $null
        $planFile = $null
        if ($PSCmdlet.ParameterSetName -eq 'Path') {
            $planFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($PlanPath)
            try {
                $planJson = [System.IO.File]::ReadAllText($planFile, [System.Text.Encoding]::UTF8)
            }
            catch {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The plan file '{0}' cannot be read: {1}" -f $planFile, $_.Exception.Message) -ErrorId 'DelegatedAdmin.PlanUnreadable' -Category ReadError -TargetObject $planFile -Exception $_.Exception
                $PSCmdlet.ThrowTerminatingError($record)
            }
        }
        elseif ($null -ne $Plan.PlanJson) {
            $planJson = [string]$Plan.PlanJson
        }
        else {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message 'The plan has no PlanJson: pass the output of New-DelegatedAdminPlan, or -PlanPath.' -ErrorId 'DelegatedAdmin.InvalidArgument.Plan' -Category InvalidArgument -TargetObject $Plan
            $PSCmdlet.ThrowTerminatingError($record)
        }
        $parsed = $null
        try {
            $parsed = ConvertFrom-Json -InputObject $planJson -ErrorAction Stop
        }
        catch {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The plan is not JSON: {0}" -f $_.Exception.Message) -ErrorId 'DelegatedAdmin.PlanUnreadable' -Category InvalidData -TargetObject $planFile -Exception $_.Exception
            $PSCmdlet.ThrowTerminatingError($record)
        }

        # A DAP cleanup plan names no action: it is applied by its own cmdlet, with its per-customer questions.
        if ($null -eq $parsed.action) {
            $dap = @{}
            foreach ($name in @('JournalPath', 'ReportPath', 'ReportCsvPath', 'Concurrency', 'Force', 'WhatIf', 'Confirm', 'Verbose')) {
                if ($PSBoundParameters.ContainsKey($name)) {
                    $dap[$name] = $PSBoundParameters[$name]
                }
            }
            if ($null -ne $planFile) {
                $dap['PlanPath'] = $planFile
            }
            else {
                $dap['Plan'] = $Plan
            }
            Invoke-DelegatedAdminDapCleanup @dap
            return
        }

        $action = [string]$parsed.action
        $planId = [string]$parsed.planId
        $candidates = @($parsed.candidates | Where-Object { $null -ne $_ })
        $describe = {
            param($c)
            if ($null -ne $c.relationshipId) {
                $name = $c.customerDisplayName
                if ($null -eq $name) {
                    $name = $c.displayName
                }
                return @(('GDAP relationship {0} ({1})' -f $c.relationshipId, $name), ('{0}' -f $c.decision))
            }
            @(('{0}' -f $c.assignmentId), 'Remove the Azure Lighthouse registration assignment')
        }
        if ($WhatIfPreference) {
            foreach ($c in $candidates) {
                $what = & $describe $c
                $null = $PSCmdlet.ShouldProcess($what[0], $what[1])
            }
            return
        }
        if (-not $PSCmdlet.ShouldProcess(('plan {0} ({1})' -f $planId, $action), ('Apply {0} change(s)' -f $candidates.Count))) {
            return
        }

        # 2. The journal and the reports.
        $journal = $null
        if ($PSBoundParameters.ContainsKey('JournalPath')) {
            $journal = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($JournalPath)
        }
        else {
            try {
                $folder = Get-DelegatedAdminDataFolder -Child 'journals'
            }
            catch {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ('No journal: give -JournalPath (the file that records every outcome, to resume with). {0}' -f $_.Exception.Message) -ErrorId 'DelegatedAdmin.InvalidArgument.JournalPath' -Category InvalidArgument -TargetObject $planId
                $PSCmdlet.ThrowTerminatingError($record)
            }
            $journal = [System.IO.Path]::Combine($folder, ('{0}-{1}.journal.jsonl' -f $action, $planId))
            Write-Host ("Journal of plan {0}: {1}" -f $planId, $journal)
        }
        $request = [ordered]@{ journalPath = $journal; concurrency = $Concurrency }
        if ($PSBoundParameters.ContainsKey('ReportPath')) {
            $request['reportPath'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ReportPath)
        }
        if ($PSBoundParameters.ContainsKey('ReportCsvPath')) {
            $request['reportCsvPath'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ReportCsvPath)
        }
        if ($PSBoundParameters.ContainsKey('DeleteBucket')) {
            $request['deleteBucket'] = $DeleteBucket
        }
        if ($PSBoundParameters.ContainsKey('DeleteRefillPerSecond')) {
            $request['deleteRefillPerSecond'] = $DeleteRefillPerSecond
        }
        $raw = @{}
        if ($null -ne $planFile) {
            $request['planPath'] = $planFile
        }
        else {
            $raw['plan'] = $planJson
        }

        # 3. Apply, as a job.
        try {
            $report = Invoke-DelegatedAdminJob -Operation 'apply' -Request $request -RawJson $raw -Activity ('Applying plan {0} ({1})' -f $planId, $action) -StoppedMessage ("Plan {0} was stopped; what was sent is in the journal '{1}'. Run the same plan with -JournalPath '{1}' to resume." -f $planId, $journal) -TargetObject $planId
        }
        catch {
            if ($_.Exception -is [System.Management.Automation.PipelineStoppedException]) {
                throw
            }
            $PSCmdlet.ThrowTerminatingError($_)
        }
        $done = [long]$report.counts.done
        if ($null -ne $report.counts.removed) {
            $done = [long]$report.counts.removed
        }
        $outcomes = foreach ($o in $report.outcomes) {
            $entry = [ordered]@{ PSTypeName = 'DelegatedAdmin.PlanOutcome' }
            foreach ($property in $o.PSObject.Properties) {
                $name = $property.Name.Substring(0, 1).ToUpperInvariant() + $property.Name.Substring(1)
                $entry[$name] = $property.Value
            }
            [pscustomobject]$entry
        }
        foreach ($o in @($outcomes | Where-Object { $_.Outcome -eq 'failed' })) {
            $key = $o.RelationshipId
            if ($null -eq $key) {
                $key = $o.AssignmentId
            }
            $record = ConvertTo-DelegatedAdminErrorRecord -Message ('{0}: {1}' -f $key, $o.Error.message) -ErrorId ('DelegatedAdmin.{0}' -f $o.Error.kind) -Category InvalidResult -TargetObject $key
            $PSCmdlet.WriteError($record)
        }
        [pscustomobject]@{
            PSTypeName       = 'DelegatedAdmin.PlanReport'
            Action           = $action
            PlanId           = $planId
            StartedAt        = ConvertTo-DelegatedAdminDateTime -Value $report.startedAt
            FinishedAt       = ConvertTo-DelegatedAdminDateTime -Value $report.finishedAt
            StoppedEarly     = [bool]$report.stoppedEarly
            StopReason       = $report.stopReason
            TargetCount      = [long]$report.counts.targets
            CandidateCount   = [long]$report.counts.candidates
            DoneCount        = $done
            FailedCount      = [long]$report.counts.failed
            SkippedCount     = [long]$report.counts.skipped
            FromJournalCount = [long]$report.counts.fromJournal
            Requests         = [long]$report.requests
            ThrottlePauses   = [long]$report.throttlePauses
            Journal          = $journal
            Outcomes         = @($outcomes)
        }
    }
}
