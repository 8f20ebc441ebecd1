function ConvertTo-DelegatedAdminDapCleanupReport {
    <#
    .SYNOPSIS
    Turns an apply report into a DelegatedAdmin.DapCleanupReport with DelegatedAdmin.DapCleanupOutcome objects.

    .DESCRIPTION
    Counts becomes a DelegatedAdmin.DapCleanupCounts object (Customers = Removed + Failed + Skipped; Candidates =
    Removed + Failed + SkippedCandidates; FromJournal = candidates settled by an earlier run). Each outcome gets the
    columns of the CSV report (ErrorKind, ErrorCode, HttpStatus, ErrorMessage, CorrelationId) plus the error object
    itself. Dates are UTC [datetime] on both PowerShell editions. Outcomes are converted inline: a report can hold
    100,000 customers.

    .PARAMETER Report
    The report, parsed with ConvertFrom-Json.

    .PARAMETER JournalPath
    The journal the run used.

    .PARAMETER ReportPath
    Where the JSON report was written, if anywhere.

    .PARAMETER ReportCsvPath
    Where the CSV report was written, if anywhere.

    .OUTPUTS
    DelegatedAdmin.DapCleanupReport
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.DapCleanupReport')]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Report,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $JournalPath,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $ReportPath,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $ReportCsvPath
    )

    $culture = [System.Globalization.CultureInfo]::InvariantCulture
    $styles = [System.Globalization.DateTimeStyles]::AssumeUniversal -bor [System.Globalization.DateTimeStyles]::AllowWhiteSpaces

    $planId = [string]$Report.planId
    $outcomes = New-Object -TypeName 'System.Collections.Generic.List[object]'
    # Candidates skipped when applying, by reasonCode (the recheck's verdicts, not attempted, ...).
    $skippedByReason = [ordered]@{}
    foreach ($raw in $Report.outcomes) {
        if ($null -eq $raw) {
            continue
        }
        $value = $raw.at
        $at = $null
        if ($value -is [datetime]) {
            if ($value.Kind -eq [DateTimeKind]::Local) {
                $at = $value.ToUniversalTime()
            }
            else {
                $at = [datetime]::SpecifyKind($value, [DateTimeKind]::Utc)
            }
        }
        elseif ($value -is [DateTimeOffset]) {
            $at = $value.UtcDateTime
        }
        elseif ($null -ne $value -and ([string]$value).Length -gt 0) {
            $parsed = [DateTimeOffset]::MinValue
            if ([DateTimeOffset]::TryParse([string]$value, $culture, $styles, [ref]$parsed)) {
                $at = $parsed.UtcDateTime
            }
        }

        $nativeError = $raw.error
        $errorKind = $null
        $errorCode = $null
        $httpStatus = $null
        $errorMessage = $null
        $correlationId = $null
        if ($null -ne $raw.correlationId) {
            $correlationId = [string]$raw.correlationId
        }
        if ($null -ne $nativeError) {
            $errorKind = [string]$nativeError.kind
            if ($null -ne $nativeError.code) {
                $errorCode = [string]$nativeError.code
            }
            if ($null -ne $nativeError.status) {
                $httpStatus = [int]$nativeError.status
            }
            $errorMessage = [string]$nativeError.message
            if ($null -ne $nativeError.correlationId) {
                $correlationId = [string]$nativeError.correlationId
            }
        }
        $displayName = $null
        if ($null -ne $raw.organizationDisplayName) {
            $displayName = [string]$raw.organizationDisplayName
        }
        $reason = $null
        if ($null -ne $raw.reason) {
            $reason = [string]$raw.reason
        }
        $reasonCode = $null
        if ($null -ne (Get-DelegatedAdminProperty -InputObject $raw -Name 'reasonCode')) {
            $reasonCode = [string]$raw.reasonCode
        }
        if ([string]$raw.outcome -eq 'skipped' -and [string]$raw.stage -eq 'apply' -and $null -ne $reasonCode) {
            if ($skippedByReason.Contains($reasonCode)) {
                $skippedByReason[$reasonCode] = $skippedByReason[$reasonCode] + 1
            }
            else {
                $skippedByReason[$reasonCode] = 1
            }
        }

        $outcomes.Add([pscustomobject]@{
                PSTypeName              = 'DelegatedAdmin.DapCleanupOutcome'
                CustomerTenantId        = [string]$raw.customerTenantId
                OrganizationDisplayName = $displayName
                Outcome                 = [string]$raw.outcome
                Stage                   = [string]$raw.stage
                Reason                  = $reason
                ReasonCode              = $reasonCode
                ErrorKind               = $errorKind
                ErrorCode               = $errorCode
                HttpStatus              = $httpStatus
                ErrorMessage            = $errorMessage
                CorrelationId           = $correlationId
                At                      = $at
                Error                   = $nativeError
                PlanId                  = $planId
            })
    }

    $counts = $Report.counts
    $countsObject = [pscustomobject]@{
        PSTypeName        = 'DelegatedAdmin.DapCleanupCounts'
        Customers         = [long]$counts.customers
        Candidates        = [long]$counts.candidates
        Removed           = [long]$counts.removed
        Failed            = [long]$counts.failed
        Skipped           = [long]$counts.skipped
        SkippedCandidates = [long]$counts.skippedCandidates
        FromJournal       = [long]$counts.fromJournal
    }

    $startedAt = ConvertTo-DelegatedAdminDateTime -Value $Report.startedAt
    $finishedAt = ConvertTo-DelegatedAdminDateTime -Value $Report.finishedAt
    $duration = $null
    if ($null -ne $startedAt -and $null -ne $finishedAt) {
        $duration = $finishedAt - $startedAt
    }
    $stopReason = $null
    if ($null -ne $Report.stopReason) {
        $stopReason = [string]$Report.stopReason
    }
    $journal = $null
    if (-not [string]::IsNullOrEmpty($JournalPath)) {
        $journal = $JournalPath
    }
    $json = $null
    if (-not [string]::IsNullOrEmpty($ReportPath)) {
        $json = $ReportPath
    }
    $csv = $null
    if (-not [string]::IsNullOrEmpty($ReportCsvPath)) {
        $csv = $ReportCsvPath
    }
    $journalFacts = $null
    $rawJournal = Get-DelegatedAdminProperty -InputObject $Report -Name 'journal'
    if ($null -ne $rawJournal) {
        $journalFacts = [pscustomobject]@{
            PSTypeName      = 'DelegatedAdmin.DapCleanupJournal'
            Path            = [string]$rawJournal.path
            UnreadableLines = [long]$rawJournal.unreadableLines
            TornLastLine    = [bool]$rawJournal.tornLastLine
            ForeignRecords  = [long]$rawJournal.foreignRecords
        }
    }

    [pscustomobject]@{
        PSTypeName     = 'DelegatedAdmin.DapCleanupReport'
        PlanId         = $planId
        Counts         = $countsObject
        StoppedEarly   = [bool]$Report.stoppedEarly
        StopReason     = $stopReason
        StartedAt      = $startedAt
        FinishedAt     = $finishedAt
        Duration       = $duration
        Requests       = [long]$Report.requests
        ThrottlePauses = [long]$Report.throttlePauses
        JournalPath    = $journal
        ReportPath     = $json
        ReportCsvPath  = $csv
        SkippedByReason = $skippedByReason
        Journal        = $journalFacts
        Outcomes       = $outcomes.ToArray()
    }
}
