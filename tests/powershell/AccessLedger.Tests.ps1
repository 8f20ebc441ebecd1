#Requires -Version 5.1
# Pester 5 tests of Get-DelegatedAdminAccessLedger (issue 12), against the packaged module and the emulator, under
# Set-StrictMode -Version Latest: typed entries joined as the emulator's fixtures say, the JSON, CSV and HTML
# outputs (as text and to a file), -Subscription from the pipeline, a failing source as a warning, and the
# refusals before any request.
Set-StrictMode -Version Latest

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    $Emulator = Start-TestEmulator -Arguments '--customers 40 --subscriptions 6 --seed 12'
    $Url = $Emulator.Url
    Connect-TestEmulator -Emulator $Emulator -MaxRetries 0
    $Work = Join-Path -Path $TestDrive -ChildPath 'ledger'
    $null = New-Item -ItemType Directory -Path $Work
}

AfterAll {
    Stop-TestEmulator -Emulator $Emulator
}

Describe 'Get-DelegatedAdminAccessLedger' {
    It 'returns one typed entry per customer, joined and flagged as the fixtures say' {
        $entries = @(Get-DelegatedAdminAccessLedger)
        $entries.Count | Should -Be $Emulator.Fixtures.customerCount
        $entries[0].PSObject.TypeNames | Should -Contain 'DelegatedAdmin.AccessLedgerEntry'
        $byTenant = @{}
        foreach ($e in $entries) {
            $byTenant[$e.CustomerTenantId] = $e
        }
        foreach ($id in @($Emulator.Fixtures.gdap.inactiveDapWithoutActiveGdap)) {
            $byTenant[$id].RiskCodes | Should -Contain 'dap_without_gdap'
            $byTenant[$id].ActiveGdapCount | Should -Be 0
            $byTenant[$id].DapEnabled | Should -BeTrue
        }
        foreach ($id in @($Emulator.Fixtures.inactiveDapCustomerIds)) {
            $byTenant[$id].RiskCodes | Should -Contain 'dap_inactive'
        }
        foreach ($relationship in @($Emulator.Fixtures.gdap.activeGlobalAdmin)) {
            $owner = @($entries | Where-Object { @($_.GdapRelationships | Where-Object { $_.id -eq $relationship }).Count -gt 0 })
            $owner.Count | Should -Be 1
            $owner[0].GlobalAdministrator | Should -BeTrue
            $owner[0].RiskCodes | Should -Contain 'global_admin_held'
        }
        $withGroups = @($entries | Where-Object { $_.SecurityGroups.Count -gt 0 })
        $withGroups.Count | Should -BeGreaterThan 0
        $withLighthouse = @($entries | Where-Object { $_.LighthouseCount -gt 0 })
        $withLighthouse.Count | Should -BeGreaterThan 0
        ($withLighthouse | ForEach-Object { $_.ManagingTenants }) | Should -Contain 'Contoso Partner'
        foreach ($e in $entries) {
            $e.RiskCodes.Count | Should -Be @($e.Risks).Count
            if ($null -ne $e.NextGdapEnd) {
                $e.NextGdapEnd | Should -BeOfType [datetime]
            }
        }
    }

    It 'writes CSV, HTML and JSON files, the format following the extension, and returns each file' {
        $csv = Join-Path -Path $Work -ChildPath 'ledger.csv'
        $file = Get-DelegatedAdminAccessLedger -Path $csv -ExpiringWithinDays 30
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be $csv
        $bytes = [System.IO.File]::ReadAllBytes($csv)
        @($bytes[0], $bytes[1], $bytes[2]) | Should -Be @(0xEF, 0xBB, 0xBF)
        $rows = @(Import-Csv -LiteralPath $csv)
        @($rows | Where-Object { $_.accessPath -eq 'dap' }).Count | Should -Be $Emulator.Fixtures.customerCount
        @($rows | Where-Object { $_.accessPath -eq 'gdap' }).Count | Should -Be $Emulator.Fixtures.gdap.relationshipCount
        @($rows | Where-Object { $_.accessPath -eq 'lighthouse' }).Count | Should -BeGreaterThan 0

        $html = Join-Path -Path $Work -ChildPath 'ledger.html'
        $null = Get-DelegatedAdminAccessLedger -Path $html
        $page = [System.IO.File]::ReadAllText($html)
        $page | Should -Match '^<!DOCTYPE html>'
        $start = $page.IndexOf('<script type="application/json" id="ledger-data">')
        $start | Should -BeGreaterThan 0
        $outside = $page.Substring(0, $start) + $page.Substring($page.IndexOf('</script>', $start))
        $outside | Should -Not -Match 'https?://'

        $json = Join-Path -Path $Work -ChildPath 'ledger.data'
        $null = Get-DelegatedAdminAccessLedger -Path $json
        $parsed = [System.IO.File]::ReadAllText($json) | ConvertFrom-Json
        $parsed.summary.customers | Should -Be $Emulator.Fixtures.customerCount
        @($parsed.customers).Count | Should -Be $Emulator.Fixtures.customerCount
    }

    It 'returns the ledger as JSON or CSV text, and leaves no temporary file behind' {
        $before = @(Get-ChildItem -LiteralPath ([System.IO.Path]::GetTempPath()) -Filter 'DelegatedAdmin-ledger-*' -ErrorAction SilentlyContinue).Count
        $text = Get-DelegatedAdminAccessLedger -Format Json
        $text | Should -BeOfType [string]
        $parsed = $text | ConvertFrom-Json
        $parsed.version | Should -Be 1
        $parsed.complete | Should -BeTrue
        @($parsed.sources | Where-Object { $_.status -ne 'ok' }).Count | Should -Be 0
        @(Get-ChildItem -LiteralPath ([System.IO.Path]::GetTempPath()) -Filter 'DelegatedAdmin-ledger-*' -ErrorAction SilentlyContinue).Count | Should -Be $before

        $csv = Get-DelegatedAdminAccessLedger -Format Csv
        $csv | Should -BeOfType [string]
        $csv | Should -Match '^customerTenantId,customerName,accessPath,'
        @($csv | ConvertFrom-Csv).Count | Should -BeGreaterThan $Emulator.Fixtures.customerCount
    }

    It 'takes subscriptions from the pipeline by SubscriptionId, and looks only there' {
        $subscription = $Emulator.Fixtures.subscriptions[0]
        $entries = @([pscustomobject]@{ SubscriptionId = $subscription.subscriptionId } | Get-DelegatedAdminAccessLedger)
        $delegations = @($entries | ForEach-Object { $_.LighthouseDelegations })
        $delegations.Count | Should -BeGreaterThan 0
        @($delegations | Where-Object { $_.subscriptionId -ne $subscription.subscriptionId }).Count | Should -Be 0
    }

    It 'warns that the ledger is incomplete when a source cannot be read, and still returns it' {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"pathPrefix":"/v1.0/tenantRelationships/delegatedAdminRelationships","serverError":1000}'
        try {
            $entries = @(Get-DelegatedAdminAccessLedger -WarningVariable warnings -WarningAction SilentlyContinue)
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults/clear'
        }
        $entries.Count | Should -Be $Emulator.Fixtures.customerCount
        @($warnings | Where-Object { [string]$_ -match 'incomplete: gdapRelationships was not read' }).Count | Should -Be 1
        @($entries | Where-Object { $_.GdapCount -gt 0 }).Count | Should -Be 0
        @($entries | Where-Object { $_.RiskCodes -contains 'dap_without_gdap' }).Count | Should -Be 0
    }

    It 'refuses bad input before any request' {
        $before = Get-EmulatorTraffic -Url $Url
        { Get-DelegatedAdminAccessLedger -Subscription 'not-a-guid' -ErrorAction Stop } | Should -Throw -ErrorId 'DelegatedAdmin.InvalidArgument.Subscription,Get-DelegatedAdminAccessLedger'
        { Get-DelegatedAdminAccessLedger -Format Object -Path (Join-Path -Path $Work -ChildPath 'x.json') -ErrorAction Stop } | Should -Throw -ErrorId 'DelegatedAdmin.InvalidArgument.Format,Get-DelegatedAdminAccessLedger'
        { Get-DelegatedAdminAccessLedger -Path $Work -Format Html -ErrorAction Stop } | Should -Throw
        { Get-DelegatedAdminAccessLedger -ExpiringWithinDays 731 } | Should -Throw
        $after = Get-EmulatorTraffic -Url $Url
        $after.ServiceRequests | Should -Be $before.ServiceRequests
    }
}
