#Requires -Version 5.1
<#
.SYNOPSIS
Runs the Pester suite of the DelegatedAdmin module against a packaged module and the emulator; the exit code is
the number of failed tests (0: all passed).

.DESCRIPTION
tests/powershell/run.sh calls it with PowerShell 7 on Linux and macOS; the GitHub workflow calls it on Windows
with Windows PowerShell 5.1 (powershell.exe) and PowerShell 7 (pwsh.exe), so the same suite runs everywhere:

    powershell.exe -NoProfile -File tests/powershell/Invoke-Tests.ps1 -PesterPath <...>/Pester.psd1 `
        -ModuleManifest dist/DelegatedAdmin/0.1.0/DelegatedAdmin.psd1 -EmulatorPath target/debug/da-emulator.exe

.PARAMETER PesterPath
Pester.psd1 of Pester 5.9.1 (from NuGet: scripts/install-test-tools.sh).

.PARAMETER ModuleManifest
The packaged module's manifest, dist/DelegatedAdmin/<version>/DelegatedAdmin.psd1.

.PARAMETER EmulatorPath
The da-emulator executable.

.PARAMETER ResultsPath
Where the NUnit XML results go.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $PesterPath,

    [Parameter(Mandatory = $true)]
    [string] $ModuleManifest,

    [Parameter(Mandatory = $true)]
    [string] $EmulatorPath,

    [Parameter()]
    [string] $ResultsPath
)

$ErrorActionPreference = 'Stop'
foreach ($path in @($PesterPath, $ModuleManifest, $EmulatorPath)) {
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        Write-Error "$path does not exist"
        exit 1
    }
}
# The suite tests the package: its own runtimes/<rid>/native library, not an override.
Remove-Item -Path Env:\DELEGATED_ADMIN_LIBRARY -ErrorAction SilentlyContinue
$env:DELEGATED_ADMIN_TEST_MODULE = (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath
$env:DELEGATED_ADMIN_TEST_EMULATOR = (Resolve-Path -LiteralPath $EmulatorPath).ProviderPath

Import-Module -Name $PesterPath -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
if (-not [string]::IsNullOrEmpty($ResultsPath)) {
    $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $ResultsPath)
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = $ResultsPath
}
$watch = [System.Diagnostics.Stopwatch]::StartNew()
# Anything else a test file writes to the pipeline comes out here too: keep only Pester's own result, so that
# its counts are read (an array's would be empty, and a failed run would exit 0).
$output = @(Invoke-Pester -Configuration $configuration)
$result = $output | Where-Object { $null -ne $_ -and $_.PSObject.TypeNames -contains 'Pester.Run' } | Select-Object -Last 1
if ($null -eq $result) {
    Write-Host ('Pester returned no run result ({0} other object(s) in its output).' -f $output.Count)
    exit 1
}
if ($output.Count -gt 1) {
    Write-Host ('Note: the test files wrote {0} object(s) to the pipeline besides the run result.' -f ($output.Count - 1))
}
Write-Host ('Pester on {0} {1}: {2} passed, {3} failed, {4} skipped, {5} not run, in {6:N1} s' -f $PSVersionTable.PSEdition, $PSVersionTable.PSVersion, $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.NotRunCount, $watch.Elapsed.TotalSeconds)
if ($result.Result -ne 'Passed' -and $result.FailedCount -eq 0) {
    # A failure outside a test (a BeforeAll, a discovery error) counts too.
    exit 1
}
exit $result.FailedCount
