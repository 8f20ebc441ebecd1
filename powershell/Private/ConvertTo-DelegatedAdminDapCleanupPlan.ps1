function ConvertTo-DelegatedAdminDapCleanupPlan {
    <#
    .SYNOPSIS
    Turns a parsed DAP cleanup plan into a DelegatedAdmin.DapCleanupPlan object that keeps the plan's JSON.

    .DESCRIPTION
    The summary is on top (CustomerCount, CandidateCount, KeptCount), then the criteria (AsOf, InactiveDays,
    Include, Exclude), then Candidates and Kept as DelegatedAdmin.DapCleanupPlanEntry objects with UTC [datetime]
    dates on both PowerShell editions and InactiveDays counted from the plan's AsOf. PlanJson is the plan exactly
    as the native library wrote it: Invoke-DelegatedAdminDapCleanup applies that text, never a re-serialized copy
    (PowerShell 7's ConvertFrom-Json turns dates into [datetime], and 5.1's ConvertTo-Json writes them as
    \/Date()\/). Entries are converted inline: a plan can hold 100,000 customers.

    .PARAMETER Plan
    The plan, parsed with ConvertFrom-Json.

    .PARAMETER PlanJson
    The plan's JSON text.

    .PARAMETER Path
    The file the plan was saved to or read from, if any.

    .OUTPUTS
    DelegatedAdmin.DapCleanupPlan
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.DapCleanupPlan')]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Plan,

        [Parameter(Mandatory = $true)]
        [string] $PlanJson,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Path
    )

    $culture = [System.Globalization.CultureInfo]::InvariantCulture
    $styles = [System.Globalization.DateTimeStyles]::AssumeUniversal -bor [System.Globalization.DateTimeStyles]::AllowWhiteSpaces

    $planId = [string]$Plan.planId
    $asOf = ConvertTo-DelegatedAdminDateTime -Value $Plan.asOf
    $createdAt = ConvertTo-DelegatedAdminDateTime -Value $Plan.createdAt
    $reference = $asOf
    if ($null -eq $reference) {
        $reference = [DateTime]::UtcNow
    }

    $lists = @{
        candidates = New-Object -TypeName 'System.Collections.Generic.List[object]'
        kept       = New-Object -TypeName 'System.Collections.Generic.List[object]'
    }
    foreach ($listName in @('candidates', 'kept')) {
        $isCandidate = $listName -eq 'candidates'
        $list = $lists[$listName]
        foreach ($raw in $Plan.$listName) {
            if ($null -eq $raw) {
                continue
            }
            # The rules of ConvertTo-DelegatedAdminDateTime, inlined: this loop runs per customer, and an advanced
            # function call per date is costly over tens of thousands of customers.
            $dates = @{}
            foreach ($dateName in @('lastSignInDateTime', 'startDateTime')) {
                $value = $raw.$dateName
                $date = $null
                if ($value -is [datetime]) {
                    if ($value.Kind -eq [DateTimeKind]::Local) {
                        $date = $value.ToUniversalTime()
                    }
                    else {
                        $date = [datetime]::SpecifyKind($value, [DateTimeKind]::Utc)
                    }
                }
                elseif ($value -is [DateTimeOffset]) {
                    $date = $value.UtcDateTime
                }
                elseif ($null -ne $value -and ([string]$value).Length -gt 0) {
                    $parsed = [DateTimeOffset]::MinValue
                    if ([DateTimeOffset]::TryParse([string]$value, $culture, $styles, [ref]$parsed)) {
                        $date = $parsed.UtcDateTime
                    }
                }
                $dates[$dateName] = $date
            }
            $since = $dates['lastSignInDateTime']
            if ($null -eq $since) {
                $since = $dates['startDateTime']
            }
            $inactiveDays = $null
            if ($null -ne $since) {
                $inactiveDays = [int][Math]::Floor(($reference - $since).TotalDays)
            }
            # Only a JSON boolean is a DAP state; anything else the service wrote is shown as unknown ($null),
            # and the plan kept that customer as unreadable_dap_enabled (see Detail for the raw value).
            $dapEnabled = $null
            if ($raw.dapEnabled -is [bool]) {
                $dapEnabled = $raw.dapEnabled
            }
            $displayName = $null
            if ($null -ne $raw.organizationDisplayName) {
                $displayName = [string]$raw.organizationDisplayName
            }
            $list.Add([pscustomobject]@{
                    PSTypeName              = 'DelegatedAdmin.DapCleanupPlanEntry'
                    CustomerTenantId        = [string]$raw.customerTenantId
                    OrganizationDisplayName = $displayName
                    DapEnabled              = $dapEnabled
                    LastSignInDateTime      = $dates['lastSignInDateTime']
                    StartDateTime           = $dates['startDateTime']
                    InactiveDays            = $inactiveDays
                    Reason                  = [string]$raw.reason
                    Detail                  = [string]$raw.detail
                    IsCandidate             = $isCandidate
                    PlanId                  = $planId
                })
        }
    }

    $include = $null
    if ($null -ne $Plan.include) {
        $include = [string[]]@($Plan.include | ForEach-Object { [string]$_ })
    }
    $exclude = New-Object -TypeName 'System.Collections.Generic.List[string]'
    foreach ($id in $Plan.exclude) {
        if ($null -ne $id) {
            $exclude.Add([string]$id)
        }
    }

    $summary = $Plan.summary
    $customerCount = [long]($lists['candidates'].Count + $lists['kept'].Count)
    $candidateCount = [long]$lists['candidates'].Count
    $keptCount = [long]$lists['kept'].Count
    if ($null -ne $summary) {
        $customerCount = [long]$summary.customers
        $candidateCount = [long]$summary.candidates
        $keptCount = [long]$summary.kept
    }
    # What the planner found about GDAP (absent in a plan written before GDAP was checked): a DAP candidate
    # needs an active GDAP relationship with its customer unless the plan allows removing it without one.
    $gdap = $null
    if ($null -ne $Plan.gdap) {
        $gdapError = $null
        if ($null -ne $Plan.gdap.error) {
            $gdapError = ('{0}: {1}' -f $Plan.gdap.error.kind, $Plan.gdap.error.message)
        }
        $gdap = [pscustomobject]@{
            PSTypeName    = 'DelegatedAdmin.DapCleanupGdapCheck'
            Required      = [bool]$Plan.gdap.required
            Checked       = [bool]$Plan.gdap.checked
            Relationships = [long]$Plan.gdap.relationships
            Held          = [long]$Plan.gdap.held
            Error         = $gdapError
        }
    }
    $savedPath = $null
    if (-not [string]::IsNullOrEmpty($Path)) {
        $savedPath = $Path
    }

    [pscustomobject]@{
        PSTypeName     = 'DelegatedAdmin.DapCleanupPlan'
        PlanId         = $planId
        CustomerCount  = $customerCount
        CandidateCount = $candidateCount
        KeptCount      = $keptCount
        InactiveDays   = [int]$Plan.inactiveDays
        AsOf           = $asOf
        CreatedAt      = $createdAt
        Include        = $include
        Exclude        = [string[]]$exclude.ToArray()
        AllowWithoutGdap = [bool]$Plan.allowWithoutGdap
        Gdap           = $gdap
        Path           = $savedPath
        Candidates     = $lists['candidates'].ToArray()
        Kept           = $lists['kept'].ToArray()
        PlanJson       = $PlanJson
    }
}
