#Requires -Version 5.1
<#
.SYNOPSIS
The main job, end to end, from PowerShell: the installed DelegatedAdmin module against the bundled emulator.

.DESCRIPTION
What `cargo run --example demo` does through the C ABI, done by an admin's commands instead: start the emulator,
connect, list the delegated admin customers, find the DAP relationships inactive for more than 90 days, remove
one, plan and apply the cleanup of the rest (holding the customers without an active GDAP relationship), list the
GDAP relationships ending within 60 days and turn auto-extend on for one (Microsoft Graph), update a GDAP
relationship through CloudCockpit, list and remove an Azure Lighthouse assignment, and print what happened. It imports the module by name, so it runs the packaged module:

    bash scripts/package-module.sh --debug                        # dist/DelegatedAdmin/<version>
    PSModulePath="$PWD/dist" pwsh -NoProfile -File examples/demo.ps1

or, on Windows: $env:PSModulePath = "$PWD\dist;$env:PSModulePath"; powershell -File examples\demo.ps1

.PARAMETER Customers
How many delegated admin customers the emulator seeds (any number from 0).

.PARAMETER EmulatorPath
The da-emulator executable (default: target/debug/da-emulator[.exe] of this repository; build it with
cargo build --workspace).
#>
[CmdletBinding()]
param(
    [Parameter()]
    [ValidateRange(0, 1000000)]
    [int] $Customers = 500,

    [Parameter()]
    [string] $EmulatorPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path -Parent $PSScriptRoot
if ([string]::IsNullOrEmpty($EmulatorPath)) {
    $name = 'da-emulator'
    if ($PSVersionTable.PSEdition -eq 'Desktop' -or [bool](Get-Variable -Name IsWindows -ValueOnly -ErrorAction SilentlyContinue)) {
        $name = 'da-emulator.exe'
    }
    $targetDir = Join-Path -Path $root -ChildPath 'target'
    if (-not [string]::IsNullOrEmpty($env:CARGO_TARGET_DIR)) {
        $targetDir = $env:CARGO_TARGET_DIR
    }
    $EmulatorPath = Join-Path -Path (Join-Path -Path $targetDir -ChildPath 'debug') -ChildPath $name
}
if (-not (Test-Path -LiteralPath $EmulatorPath)) {
    throw "The emulator is not at ${EmulatorPath}: build it with 'cargo build --workspace', or pass -EmulatorPath."
}

Import-Module -Name DelegatedAdmin
$module = Get-Module -Name DelegatedAdmin
Write-Host ("DelegatedAdmin {0} from {1}: the DAP cleanup on the bundled emulator, from PowerShell {2}`n" -f $module.Version, $module.ModuleBase, $PSVersionTable.PSVersion)

$startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
$startInfo.FileName = $EmulatorPath
$startInfo.Arguments = '--port 0 --customers {0}' -f $Customers
$startInfo.UseShellExecute = $false
$startInfo.RedirectStandardOutput = $true
$emulator = [System.Diagnostics.Process]::Start($startInfo)
$work = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('delegated-admin-demo-{0}' -f [guid]::NewGuid())
try {
    $line = $emulator.StandardOutput.ReadLine()
    if ($line -notmatch '^listening on (\S+)') {
        throw "The emulator did not start: $line"
    }
    $url = $Matches[1]
    $client = New-Object -TypeName System.Net.WebClient
    $client.Encoding = [System.Text.Encoding]::UTF8
    $fixtures = $client.DownloadString("$url/_emulator/fixtures") | ConvertFrom-Json
    $client.Dispose()
    Write-Host ("1. Emulator listening on {0} ({1} customers; identity, Partner Center, customers API, Graph, CloudCockpit, ARM)" -f $url, $Customers)

    $secret = ConvertTo-SecureString -String $fixtures.clientSecret -AsPlainText -Force
    Connect-DelegatedAdmin -Endpoint $url -TenantId $fixtures.tenantId -ClientId $fixtures.clientId -ClientSecret $secret

    $all = @(Get-DelegatedAdminCustomer)
    $dap = @($all | Where-Object { $_.DapEnabled })
    Write-Host ("2. Listed {0} delegated admin customers (every page): {1} with DAP" -f $all.Count, $dap.Count)

    $null = New-Item -ItemType Directory -Path $work
    $plan = New-DelegatedAdminDapCleanupPlan -InactiveDays 90 -Path (Join-Path -Path $work -ChildPath 'plan.json')
    Write-Host ("3. Planned: {0} DAP relationships inactive for more than 90 days, {1} customers kept" -f $plan.CandidateCount, $plan.KeptCount)
    foreach ($entry in @($plan.Candidates | Select-Object -First 3)) {
        Write-Host ("     {0} {1}: {2}" -f $entry.CustomerTenantId, $entry.OrganizationDisplayName, $entry.Detail)
    }

    $first = @($plan.Candidates | Select-Object -First 1)
    if ($first.Count -gt 0) {
        $removed = $first[0] | Remove-DelegatedAdminDapRelationship -Force -PassThru
        Write-Host ("4. Removed one DAP relationship: {0} ({1}) -> AllowDelegatedAccess {2}" -f $removed.CustomerTenantId, $first[0].OrganizationDisplayName, $removed.AllowDelegatedAccess)
    }
    else {
        Write-Host '4. No DAP relationship is inactive for more than 90 days: nothing to remove one by one'
    }

    $journal = Join-Path -Path $work -ChildPath 'journal.jsonl'
    $report = $plan | Invoke-DelegatedAdminDapCleanup -JournalPath $journal -Concurrency 8 -RequestsPerSecond 50 -Force
    $counts = $report.Counts
    Write-Host ("5. Applied the plan: {0} removed, {1} failed, {2} candidates skipped ({3} customers in all; journal {4})" -f $counts.Removed, $counts.Failed, $counts.SkippedCandidates, $counts.Customers, $journal)

    $expiring = @(Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 60)
    $holding = @($expiring | Where-Object { $_.IsGlobalAdministratorHeld })
    Write-Host ("6. GDAP (Microsoft Graph): {0} active relationships end within 60 days, {1} of them with Global Administrator (never auto-extended)" -f $expiring.Count, $holding.Count)
    foreach ($relationship in @($expiring | Select-Object -First 3)) {
        Write-Host ("     {0}: ends {1}, auto-extend {2}" -f $relationship.DisplayName, $relationship.EndDateTime.ToString('yyyy-MM-dd', [System.Globalization.CultureInfo]::InvariantCulture), $relationship.AutoExtendDuration)
    }
    $extendable = @($expiring | Where-Object { -not $_.IsGlobalAdministratorHeld -and -not $_.AutoExtendEnabled } | Select-Object -First 1)
    if ($extendable.Count -gt 0) {
        $extended = $extendable[0] | Set-DelegatedAdminGdapAutoExtend -Enabled $true -Confirm:$false -PassThru
        Write-Host ("7. Turned on auto-extend for GDAP relationship '{0}': {1}" -f $extended.DisplayName, $extended.AutoExtendDuration)
    }
    else {
        Write-Host '7. No GDAP relationship ending within 60 days can be auto-extended'
    }

    $relationships = @($fixtures.relationships)
    if ($relationships.Count -gt 0) {
        $relationship = $relationships[0]
        $updated = Set-DelegatedAdminRelationship -TenantDomain $fixtures.tenantDomain -CustomerId $relationship.customerId -RelationshipId $relationship.relationshipId -ProviderInstanceId $relationship.providerInstanceId -AutoExtendEnabled $true -Confirm:$false -PassThru
        Write-Host ("8. Turned on auto-extend for GDAP relationship {0} (CloudCockpit)" -f $updated.RelationshipId)
    }
    else {
        Write-Host '8. The emulator has no CloudCockpit relationship to update'
    }

    $subscriptions = @($fixtures.subscriptions)
    if ($subscriptions.Count -gt 0) {
        $scope = '/subscriptions/{0}' -f $subscriptions[0].subscriptionId
        $assignments = @(Get-DelegatedAdminLighthouseAssignment -Scope $scope -IncludeDefinition)
        Write-Host ("9. Azure Lighthouse: {0} registration assignments on {1}" -f $assignments.Count, $scope)
        foreach ($assignment in $assignments) {
            Write-Host ("     {0} managed by {1}" -f $assignment.Name, $assignment.ManagedByTenantName)
        }
        if ($assignments.Count -gt 0) {
            $gone = $assignments[0] | Remove-DelegatedAdminLighthouseAssignment -Force -PassThru
            Write-Host ("10. Removed Lighthouse assignment {0}: {1}" -f $assignments[0].Name, $gone.Status)
        }
    }
    else {
        Write-Host '9. Azure Lighthouse: the emulator delegates no subscription'
    }

    Disconnect-DelegatedAdmin
    $client = New-Object -TypeName System.Net.WebClient
    $stats = $client.DownloadString("$url/_emulator/stats") | ConvertFrom-Json
    $client.Dispose()
    Write-Host ("`nThe emulator served {0} service requests and {1} token requests." -f $stats.serviceRequests, $stats.tokenRequests)
}
finally {
    if (-not $emulator.HasExited) {
        $emulator.Kill()
        $null = $emulator.WaitForExit(5000)
    }
    if (Test-Path -LiteralPath $work) {
        Remove-Item -LiteralPath $work -Recurse -Force
    }
}
