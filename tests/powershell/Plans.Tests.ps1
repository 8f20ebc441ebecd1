#Requires -Version 5.1
# Pester 5 tests of the engine's cmdlets (issue 12), against the packaged module and the emulator, under
# Set-StrictMode -Version Latest: New-DelegatedAdminPlan for the GDAP lifecycle, the removal of Azure Lighthouse
# delegations and the DAP cleanup, and Invoke-DelegatedAdminPlan (-WhatIf changes nothing; -Force applies once;
# the same journal again acts on nothing; a DAP plan goes to Invoke-DelegatedAdminDapCleanup).
Set-StrictMode -Version Latest

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    $Emulator = Start-TestEmulator -Arguments '--customers 40 --inactive-dap 8 --gdap-relationships 120 --subscriptions 4 --seed 31'
    $Url = $Emulator.Url
    Connect-TestEmulator -Emulator $Emulator
    $Work = Join-Path -Path $TestDrive -ChildPath 'plans'
    $null = New-Item -ItemType Directory -Path $Work

    function Get-Relationship {
        param([string] $Id)
        Get-EmulatorJson -Url $Url -Path "/_emulator/gdap/relationships/$Id"
    }

    function Get-Write {
        param([string] $Prefix)
        @(Get-EmulatorRequest -Url $Url | Where-Object { $_.method -ne 'GET' -and $_.path.StartsWith($Prefix) })
    }
}

AfterAll {
    Stop-TestEmulator -Emulator $Emulator
}

Describe 'New-DelegatedAdminPlan -Action GdapLifecycle and Invoke-DelegatedAdminPlan' {
    It 'plans a decision and a reason for every relationship, and saves the plan' {
        $path = Join-Path -Path $Work -ChildPath 'gdap.json'
        $plan = New-DelegatedAdminPlan -Action GdapLifecycle -Path $path
        $plan.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.Plan'
        $plan.Action | Should -Be 'gdapLifecycle'
        $plan.TargetCount | Should -Be $Emulator.Fixtures.gdap.relationshipCount
        $plan.CandidateCount | Should -BeGreaterThan 0
        ($plan.CandidateCount + $plan.KeptCount) | Should -Be $plan.TargetCount
        @($plan.Candidates | ForEach-Object { $_.Decision } | Sort-Object -Unique) | Should -Be @('enable_auto_extend')
        @($plan.Kept | Where-Object { $_.Reason -eq 'expired' }).Count | Should -BeGreaterThan 0
        foreach ($e in @($plan.Candidates) + @($plan.Kept)) {
            $e.Detail | Should -Not -BeNullOrEmpty
        }
        $plan.ByReason['ending_soon'] | Should -Be $plan.CandidateCount
        (Get-Content -LiteralPath $path -Raw | ConvertFrom-Json).planId | Should -Be $plan.PlanId
    }

    It '-WhatIf sends nothing; -Force changes every candidate once; the same journal again acts on nothing' {
        $plan = New-DelegatedAdminPlan -Action GdapLifecycle
        $before = Get-EmulatorTraffic -Url $Url
        $plan | Invoke-DelegatedAdminPlan -WhatIf
        (Get-EmulatorTraffic -Url $Url).ServiceRequests | Should -Be $before.ServiceRequests

        $journal = Join-Path -Path $Work -ChildPath 'gdap.journal.jsonl'
        $csv = Join-Path -Path $Work -ChildPath 'gdap.csv'
        $report = $plan | Invoke-DelegatedAdminPlan -JournalPath $journal -ReportCsvPath $csv -Force
        $report.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.PlanReport'
        $report.Action | Should -Be 'gdapLifecycle'
        $report.DoneCount | Should -Be $plan.CandidateCount
        $report.FailedCount | Should -Be 0
        foreach ($c in $plan.Candidates) {
            (Get-Relationship -Id $c.RelationshipId).autoExtendDuration | Should -Be 'P180D'
        }
        $patches = Get-Write -Prefix '/v1.0/tenantRelationships/delegatedAdminRelationships'
        $patches.Count | Should -Be $plan.CandidateCount
        (Import-Csv -LiteralPath $csv | Where-Object { $_.outcome -eq 'done' }).Count | Should -Be $plan.CandidateCount

        $again = $plan | Invoke-DelegatedAdminPlan -JournalPath $journal -Force
        $again.FromJournalCount | Should -Be $plan.CandidateCount
        (Get-Write -Prefix '/v1.0/tenantRelationships/delegatedAdminRelationships').Count | Should -Be $patches.Count
    }

    It 'refuses a parameter of another action, and a Lighthouse plan without a filter, before any request' {
        $before = Get-EmulatorTraffic -Url $Url
        { New-DelegatedAdminPlan -Action GdapLifecycle -ManagedByTenantId ([guid]::NewGuid()) } | Should -Throw -ErrorId 'DelegatedAdmin.InvalidArgument.ParameterOfAnotherAction,New-DelegatedAdminPlan'
        { New-DelegatedAdminPlan -Action RemoveLighthouseAssignment } | Should -Throw -ErrorId 'DelegatedAdmin.InvalidArgument.LighthouseFilter,New-DelegatedAdminPlan'
        { New-DelegatedAdminPlan -Action GdapLifecycle -TerminateCustomer 'not-a-guid' } | Should -Throw -ErrorId 'DelegatedAdmin.InvalidArgument.TerminateCustomer,New-DelegatedAdminPlan'
        (Get-EmulatorTraffic -Url $Url).ServiceRequests | Should -Be $before.ServiceRequests
    }
}

Describe 'New-DelegatedAdminPlan -Action RemoveLighthouseAssignment' {
    It 'plans the delegations of the managing tenant in every subscription and removes each once' {
        $tenant = $Emulator.Fixtures.tenantId
        $other = New-DelegatedAdminPlan -Action RemoveLighthouseAssignment -ManagedByTenantId ([guid]::NewGuid())
        $other.CandidateCount | Should -Be 0
        @($other.Kept | Where-Object { $_.Reason -ne 'other_managing_tenant' }).Count | Should -Be 0

        $plan = New-DelegatedAdminPlan -Action RemoveLighthouseAssignment -ManagedByTenantId $tenant
        # The emulator also seeds another managing tenant's delegations: the partner's are its share.
        $partners = @($other.Kept | Where-Object { $_.ManagedByTenantId -eq $tenant }).Count
        $partners | Should -BeGreaterThan 0
        $plan.CandidateCount | Should -Be $partners
        $subscriptions = @($plan.Candidates | ForEach-Object { $_.SubscriptionId } | Sort-Object -Unique)
        $subscriptions.Count | Should -Be @($Emulator.Fixtures.subscriptions).Count

        $report = $plan | Invoke-DelegatedAdminPlan -JournalPath (Join-Path -Path $Work -ChildPath 'lh.journal.jsonl') -DeleteBucket 3 -DeleteRefillPerSecond 100 -Force
        $report.Action | Should -Be 'removeLighthouseAssignment'
        $report.DoneCount | Should -Be $plan.CandidateCount
        (Get-Write -Prefix '/subscriptions/').Count | Should -Be $plan.CandidateCount

        $again = $plan | Invoke-DelegatedAdminPlan -JournalPath (Join-Path -Path $Work -ChildPath 'lh2.journal.jsonl') -Force
        # Every candidate is already done; the other tenant's delegations stay kept by the plan, never touched.
        @($again.Outcomes | Where-Object { $_.Stage -eq 'apply' -and $_.ReasonCode -ne 'already_done' }).Count | Should -Be 0
        @($again.Outcomes | Where-Object { $_.Stage -eq 'plan' -and $_.ReasonCode -ne 'other_managing_tenant' }).Count | Should -Be 0
        (Get-Write -Prefix '/subscriptions/').Count | Should -Be $plan.CandidateCount
    }
}

Describe 'New-DelegatedAdminPlan -Action RemoveDap' {
    It 'is the DAP cleanup: its plan, and Invoke-DelegatedAdminPlan hands it to Invoke-DelegatedAdminDapCleanup' {
        $plan = New-DelegatedAdminPlan -Action RemoveDap -AllowWithoutGdap
        $plan.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapCleanupPlan'
        $plan.CandidateCount | Should -Be $Emulator.Fixtures.inactiveDapCount
        $report = $plan | Invoke-DelegatedAdminPlan -JournalPath (Join-Path -Path $Work -ChildPath 'dap.journal.jsonl') -Force
        $report.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapCleanupReport'
        $report.Counts.Removed | Should -Be $plan.CandidateCount
    }
}
