# Shared by the Pester files of tests/powershell (dot-sourced in their BeforeAll): where the packaged module and
# the emulator are, starting and stopping emulators, and reading their control endpoints. Windows PowerShell 5.1
# and PowerShell 7.

$RepoRoot = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../..')).ProviderPath

function Get-TestTargetDirectory {
    if (-not [string]::IsNullOrEmpty($env:CARGO_TARGET_DIR)) {
        return $env:CARGO_TARGET_DIR
    }
    return (Join-Path -Path $RepoRoot -ChildPath 'target')
}

function Get-TestPlatform {
    $onWindows = $true
    $onMac = $false
    $onLinux = $false
    if ($PSVersionTable.PSEdition -eq 'Core') {
        $onWindows = [bool](Get-Variable -Name 'IsWindows' -ValueOnly -ErrorAction SilentlyContinue)
        $onMac = [bool](Get-Variable -Name 'IsMacOS' -ValueOnly -ErrorAction SilentlyContinue)
        $onLinux = [bool](Get-Variable -Name 'IsLinux' -ValueOnly -ErrorAction SilentlyContinue)
    }
    $library = 'delegated_admin.dll'
    if ($onLinux) {
        $library = 'libdelegated_admin.so'
    }
    elseif ($onMac) {
        $library = 'libdelegated_admin.dylib'
    }
    [pscustomobject]@{
        Windows = $onWindows
        Linux   = $onLinux
        MacOS   = $onMac
        Library = $library
    }
}

# The packaged module's manifest: DELEGATED_ADMIN_TEST_MODULE (Invoke-Tests.ps1 sets it), else dist/'s newest.
function Get-TestModuleManifest {
    if (-not [string]::IsNullOrEmpty($env:DELEGATED_ADMIN_TEST_MODULE)) {
        return $env:DELEGATED_ADMIN_TEST_MODULE
    }
    $found = @(Get-ChildItem -Path (Join-Path -Path $RepoRoot -ChildPath 'dist/DelegatedAdmin/*/DelegatedAdmin.psd1') -ErrorAction SilentlyContinue | Sort-Object -Property FullName -Descending)
    if ($found.Count -eq 0) {
        throw 'No packaged module: run scripts/package-module.sh --debug (tests/powershell/run.sh does), or set DELEGATED_ADMIN_TEST_MODULE.'
    }
    return $found[0].FullName
}

function Get-TestEmulatorPath {
    if (-not [string]::IsNullOrEmpty($env:DELEGATED_ADMIN_TEST_EMULATOR)) {
        return $env:DELEGATED_ADMIN_TEST_EMULATOR
    }
    $name = 'da-emulator'
    if ((Get-TestPlatform).Windows) {
        $name = 'da-emulator.exe'
    }
    $path = Join-Path -Path (Join-Path -Path (Get-TestTargetDirectory) -ChildPath 'debug') -ChildPath $name
    if (-not (Test-Path -LiteralPath $path)) {
        throw "$path is missing: run 'cargo build --workspace' first."
    }
    return $path
}

# This PowerShell's own executable, for child processes of the same edition and version. (The process path is
# not it when pwsh runs as a .NET global tool: that is the dotnet host.)
function Get-TestShellPath {
    $names = @('pwsh.exe', 'pwsh')
    if ($PSVersionTable.PSEdition -eq 'Desktop') {
        $names = @('powershell.exe')
    }
    foreach ($name in $names) {
        $candidate = Join-Path -Path $PSHOME -ChildPath $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) {
            return $candidate
        }
    }
    return (Get-Process -Id $PID).Path
}

# Starts an emulator on a free loopback port; returns {Process, Url, Fixtures}.
function Start-TestEmulator {
    param([string] $Arguments = '')
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = Get-TestEmulatorPath
    $startInfo.Arguments = ('--port 0 ' + $Arguments).Trim()
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notmatch '^listening on (\S+)') {
        throw "The emulator did not print 'listening on URL' (got '$line')."
    }
    $url = $Matches[1].TrimEnd('/')
    $emulator = [pscustomobject]@{ Process = $process; Url = $url; Fixtures = $null }
    $emulator.Fixtures = Get-EmulatorJson -Url $url -Path '/_emulator/fixtures'
    return $emulator
}

function Stop-TestEmulator {
    param($Emulator)
    if ($null -ne $Emulator -and $null -ne $Emulator.Process -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill()
        $null = $Emulator.Process.WaitForExit(5000)
    }
}

# The emulator answers application/json without a charset; Windows PowerShell 5.1's Invoke-RestMethod would then
# decode it as ISO-8859-1, so read it as UTF-8 explicitly.
function Get-EmulatorJson {
    param([string] $Url, [string] $Path)
    $client = New-Object -TypeName System.Net.WebClient
    try {
        $client.Encoding = [System.Text.Encoding]::UTF8
        $client.DownloadString("$Url$Path") | ConvertFrom-Json
    }
    finally {
        $client.Dispose()
    }
}

function Invoke-EmulatorControl {
    param([string] $Url, [string] $Path, [string] $Body)
    if ([string]::IsNullOrEmpty($Body)) {
        # No body: the emulator may answer a body-less control endpoint before reading one, and close.
        Invoke-RestMethod -Method Post -Uri "$Url$Path" | Out-Null
    }
    else {
        Invoke-RestMethod -Method Post -Uri "$Url$Path" -ContentType 'application/json' -Body $Body | Out-Null
    }
}

# The request log, one object per request (5.1's ConvertFrom-Json writes a JSON array as one object).
function Get-EmulatorRequest {
    param([string] $Url)
    $parsed = Get-EmulatorJson -Url $Url -Path '/_emulator/requests'
    foreach ($item in $parsed) {
        if ($null -ne $item) {
            $item
        }
    }
}

# Service and token requests so far: what "nothing reached the emulator" compares.
function Get-EmulatorTraffic {
    param([string] $Url)
    $stats = Get-EmulatorJson -Url $Url -Path '/_emulator/stats'
    [pscustomobject]@{
        ServiceRequests = [long]$stats.serviceRequests
        TokenRequests   = [long]$stats.tokenRequests
    }
}

function Connect-TestEmulator {
    param($Emulator, [int] $MaxRetries = -1)
    $secret = ConvertTo-SecureString -String $Emulator.Fixtures.clientSecret -AsPlainText -Force
    $arguments = @{
        Endpoint     = $Emulator.Url
        TenantId     = $Emulator.Fixtures.tenantId
        ClientId     = $Emulator.Fixtures.clientId
        ClientSecret = $secret
    }
    if ($MaxRetries -ge 0) {
        $arguments['MaxRetries'] = $MaxRetries
    }
    Connect-DelegatedAdmin @arguments
}

# Runs a script in a new process of this PowerShell (-NoProfile; interactive, so that -Confirm prompts read
# -InputText), with extra environment variables; returns {ExitCode, Output}.
function Invoke-ChildShell {
    param([string] $Script, [hashtable] $Environment = @{}, [string[]] $Arguments = @(), [string] $InputText)
    $file = Join-Path -Path $TestDrive -ChildPath ('child-{0}.ps1' -f [guid]::NewGuid())
    [System.IO.File]::WriteAllText($file, $Script, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $true))
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = Get-TestShellPath
    $quoted = @('-NoLogo', '-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', $file) + $Arguments | ForEach-Object { '"' + ([string]$_).Replace('"', '\"') + '"' }
    $startInfo.Arguments = $quoted -join ' '
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.RedirectStandardInput = $true
    # Whatever the child writes relative to its working folder stays in the test drive.
    $startInfo.WorkingDirectory = $TestDrive
    foreach ($name in $Environment.Keys) {
        $startInfo.EnvironmentVariables[$name] = [string]$Environment[$name]
    }
    # The child must find the module only where the test says.
    $startInfo.EnvironmentVariables.Remove('DELEGATED_ADMIN_LIBRARY')
    $process = [System.Diagnostics.Process]::Start($startInfo)
    # Answers to prompts (-Confirm), one per line; then end of input.
    if (-not [string]::IsNullOrEmpty($InputText)) {
        $process.StandardInput.Write($InputText)
    }
    $process.StandardInput.Close()
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        Output   = $stdout + $stderr.Result
    }
}
