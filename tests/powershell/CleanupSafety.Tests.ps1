#Requires -Version 5.1
# Pester 5 tests of how the cleanup cmdlets surface the library's safety rules (issue 8), against the packaged
# module and the emulator, under Set-StrictMode -Version Latest: customers kept for unreadable data (a warning, the
# reason, the raw value), candidates the recheck keeps (a warning, ReasonCode, SkippedByReason), a journal locked
# by another run (ResourceBusy, nothing sent), and a report that cannot be written after the run (an error, and
# still the report).
Set-StrictMode -Version Latest

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    $Emulator = Start-TestEmulator -Arguments '--customers 60 --inactive-dap 24 --seed 23'
    $Url = $Emulator.Url
    Connect-TestEmulator -Emulator $Emulator
    $Work = Join-Path -Path $TestDrive -ChildPath 'safety'
    $null = New-Item -ItemType Directory -Path $Work

    # Serve odd raw values for one customer (what a broken service might send).
    function Set-RawCustomer {
        param([string] $Id, [hashtable] $Set)
        Invoke-EmulatorControl -Url $Url -Path "/_emulator/customers/$Id" -Body (@{ set = $Set } | ConvertTo-Json -Compress)
    }

    function Get-Customer {
        param([string] $Id)
        Get-EmulatorJson -Url $Url -Path "/_emulator/customers/$Id"
    }

    function Wait-Until {
        param([scriptblock] $Condition, [int] $Seconds = 30)
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if (& $Condition) {
                return $true
            }
            Start-Sleep -Milliseconds 50
        }
        return $false
    }

    # The cleanup in a runspace of its own (slowly paced), for a test to race it or change things under it.
    function Start-Cleanup {
        param($Target, [string] $PlanPath, [string] $JournalPath, [string] $Extra = '')
        $ps = [powershell]::Create()
        $script = @'
param($ModuleManifest, $Url, $TenantId, $ClientId, $ClientSecret, $PlanPath, $JournalPath)
Import-Module -Name $ModuleManifest -ErrorAction Stop
Connect-DelegatedAdmin -Endpoint $Url -TenantId $TenantId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString -String $ClientSecret -AsPlainText -Force)
'@ + "`nInvoke-DelegatedAdminDapCleanup -PlanPath `$PlanPath -JournalPath `$JournalPath -Concurrency 1 -RequestsPerSecond 3 -Force $Extra"
        $null = $ps.AddScript($script)
        foreach ($argument in @($ModuleManifest, $Target.Url, $Target.Fixtures.tenantId, $Target.Fixtures.clientId, $Target.Fixtures.clientSecret, $PlanPath, $JournalPath)) {
            $null = $ps.AddArgument($argument)
        }
        [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
    }
}

AfterAll {
    Stop-TestEmulator -Emulator $Emulator
}

Describe 'Customers kept for data that cannot be read' {
    It 'plans them as kept with their reason and raw value, and warns' {
        $first = New-DelegatedAdminDapCleanupPlan
        $candidates = @($first.Candidates)
        $candidates.Count | Should -BeGreaterThan 3
        Set-RawCustomer -Id $candidates[0].CustomerTenantId -Set @{ lastSignInDateTime = 'yesterday' }
        Set-RawCustomer -Id $candidates[1].CustomerTenantId -Set @{ dapEnabled = 'true' }
        $warnings = @()
        $plan = New-DelegatedAdminDapCleanupPlan -WarningVariable warnings -WarningAction SilentlyContinue
        $kept = @($plan.Kept | Where-Object { $_.CustomerTenantId -in @($candidates[0].CustomerTenantId, $candidates[1].CustomerTenantId) })
        $kept.Count | Should -Be 2
        ($kept | Where-Object CustomerTenantId -EQ $candidates[0].CustomerTenantId).Reason | Should -Be 'unreadable_date'
        ($kept | Where-Object CustomerTenantId -EQ $candidates[0].CustomerTenantId).Detail | Should -BeLike '*"yesterday"*'
        $odd = $kept | Where-Object CustomerTenantId -EQ $candidates[1].CustomerTenantId
        $odd.Reason | Should -Be 'unreadable_dap_enabled'
        $odd.DapEnabled | Should -BeNullOrEmpty
        ($warnings -join "`n") | Should -BeLike '*2 customer(s) were kept because the service returned data that cannot be read*unreadable_*'
        $plan.CandidateCount | Should -Be ($first.CandidateCount - 2)
        Set-RawCustomer -Id $candidates[0].CustomerTenantId -Set @{}
        Set-RawCustomer -Id $candidates[1].CustomerTenantId -Set @{}
    }
}

Describe 'Candidates the recheck keeps' {
    It 'skips a candidate whose data turned unreadable after the plan, says why, and removes the rest' {
        $planPath = Join-Path -Path $Work -ChildPath 'recheck-plan.json'
        $plan = New-DelegatedAdminDapCleanupPlan -Path $planPath
        $target = @($plan.Candidates)[0].CustomerTenantId
        Set-RawCustomer -Id $target -Set @{ lastSignInDateTime = '0001-01-01T00:00:00Z' }
        $warnings = @()
        $report = Invoke-DelegatedAdminDapCleanup -PlanPath $planPath -JournalPath (Join-Path -Path $Work -ChildPath 'recheck.jsonl') -RequestsPerSecond 0 -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $outcome = @($report.Outcomes | Where-Object CustomerTenantId -EQ $target)[0]
        $outcome.Outcome | Should -Be 'skipped'
        $outcome.ReasonCode | Should -Be 'unreadable_date'
        $report.SkippedByReason['unreadable_date'] | Should -Be 1
        ($warnings -join "`n") | Should -BeLike '*not removed because the live data says to keep them now (unreadable_date 1)*'
        (Get-Customer -Id $target).dapEnabled | Should -BeTrue
        $report.Counts.Failed | Should -Be 0
        $report.Counts.SkippedCandidates | Should -Be 1
        $report.Counts.Removed | Should -Be ($plan.CandidateCount - 1)
        Set-RawCustomer -Id $target -Set @{}
    }
}

Describe 'One run per journal' {
    It 'refuses a second run on a journal in use with ResourceBusy, sending nothing' {
        # Fresh candidates: the earlier tests removed many DAP relationships.
        $own = Start-TestEmulator -Arguments '--customers 40 --inactive-dap 20 --seed 31'
        try {
            Connect-TestEmulator -Emulator $own
            $planPath = Join-Path -Path $Work -ChildPath 'locked-plan.json'
            $journal = Join-Path -Path $Work -ChildPath 'locked.jsonl'
            $null = New-DelegatedAdminDapCleanupPlan -Path $planPath
            $run = Start-Cleanup -Target $own -PlanPath $planPath -JournalPath $journal
            try {
                $started = Wait-Until { (Test-Path -LiteralPath $journal) -and ((Get-Item -LiteralPath $journal).Length -gt 0) }
                if (-not $started) {
                    throw ('the first run did not start: ' + (@($run.PowerShell.Streams.Error | ForEach-Object { $_.ToString() }) -join '; '))
                }
                $before = Get-EmulatorTraffic -Url $own.Url
                $failure = $null
                try {
                    $null = Invoke-DelegatedAdminDapCleanup -PlanPath $planPath -JournalPath $journal -Force -ErrorAction Stop
                }
                catch {
                    $failure = $_
                }
                $failure | Should -Not -BeNullOrEmpty
                $failure.CategoryInfo.Category | Should -Be 'ResourceBusy'
                $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.conflict.JournalLocked*'
                $failure.Exception.Message | Should -BeLike ('*' + $journal + '*')
                $failure.ErrorDetails.RecommendedAction | Should -BeLike '*Wait for it to end*'
                # The traffic meanwhile is the first run's own: the second sent no removal of its own.
                $after = Get-EmulatorTraffic -Url $own.Url
                $after.ServiceRequests | Should -BeGreaterOrEqual $before.ServiceRequests
                $run.PowerShell.Stop()
            }
            finally {
                $run.PowerShell.Dispose()
            }
            # Resuming afterwards works: the lock went with the run.
            $report = Invoke-DelegatedAdminDapCleanup -PlanPath $planPath -JournalPath $journal -RequestsPerSecond 0 -Force -WarningAction SilentlyContinue
            $report.Counts.Failed | Should -Be 0
            foreach ($c in @($report.Outcomes | Where-Object Outcome -EQ 'removed')) {
                $c.Outcome | Should -Be 'removed'
            }
        }
        finally {
            Stop-TestEmulator -Emulator $own
            Connect-TestEmulator -Emulator $Emulator
        }
    }
}

Describe 'A report that cannot be written' {
    It 'writes an error and still returns the report with every outcome' {
        $own = Start-TestEmulator -Arguments '--customers 30 --inactive-dap 10 --seed 37'
        try {
            $planPath = Join-Path -Path $Work -ChildPath 'io-plan.json'
            Connect-TestEmulator -Emulator $own
            $null = New-DelegatedAdminDapCleanupPlan -Path $planPath
            $reports = Join-Path -Path $Work -ChildPath 'io-reports'
            $null = New-Item -ItemType Directory -Path $reports
            $journal = Join-Path -Path $Work -ChildPath 'io.jsonl'
            $run = Start-Cleanup -Target $own -PlanPath $planPath -JournalPath $journal -Extra ("-ReportCsvPath '{0}'" -f (Join-Path -Path $reports -ChildPath 'report.csv'))
            try {
                (Wait-Until { (Test-Path -LiteralPath $journal) -and (@(Get-Content -LiteralPath $journal | Select-String -SimpleMatch '"outcome":"removed"').Count -ge 1) }) | Should -BeTrue
                Remove-Item -LiteralPath $reports -Recurse -Force
                $output = $run.PowerShell.EndInvoke($run.Async)
                $report = @($output | Where-Object { $null -ne $_ -and $_.PSObject.TypeNames -contains 'DelegatedAdmin.DapCleanupReport' })[0]
                $report | Should -Not -BeNullOrEmpty
                @($report.Outcomes).Count | Should -Be $report.Counts.Customers
                $report.Counts.Removed | Should -BeGreaterThan 0
                $errors = @($run.PowerShell.Streams.Error)
                $errors.Count | Should -Be 1
                $errors[0].CategoryInfo.Category | Should -Be 'WriteError'
                $errors[0].Exception.Message | Should -BeLike '*report.csv*'
            }
            finally {
                $run.PowerShell.Dispose()
            }
        }
        finally {
            Stop-TestEmulator -Emulator $own
            Connect-TestEmulator -Emulator $Emulator
        }
    }
}
