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
# -InputText), with extra environment variables and without those of -RemoveEnvironment (a process's environment
# is what native code reads: .NET on Linux and macOS does not pass $env: changes to getenv); returns
# {ExitCode, Output}.
function Invoke-ChildShell {
    param([string] $Script, [hashtable] $Environment = @{}, [string[]] $Arguments = @(), [string] $InputText, [string[]] $RemoveEnvironment = @())
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
    foreach ($name in $RemoveEnvironment) {
        $startInfo.EnvironmentVariables.Remove($name)
    }
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

# Every variable through which a host offers its managed identity, or a process finds a proxy: removed from child
# shells that must see only what their test sets (a test must never reach a real metadata address or proxy).
$HostIdentityVariables = @('IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'AZURE_POD_IDENTITY_AUTHORITY_HOST',
    'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy')

# A self-signed RSA certificate with its private key (in memory), valid from -NotBefore to -NotAfter.
function New-TestCertificate {
    param([DateTimeOffset] $NotBefore = [DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset] $NotAfter = [DateTimeOffset]::UtcNow.AddYears(2), [string] $Subject = 'CN=delegated-admin-test')
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $request = New-Object -TypeName System.Security.Cryptography.X509Certificates.CertificateRequest -ArgumentList $Subject, $rsa, ([System.Security.Cryptography.HashAlgorithmName]::SHA256), ([System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CreateSelfSigned($NotBefore, $NotAfter)
}

# The PEM text of a certificate, and of its private key as PKCS#8 with -WithKey (.NET Core 3+: PowerShell 7).
function ConvertTo-TestPem {
    param([System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate, [switch] $WithKey, [System.Security.Cryptography.X509Certificates.X509Certificate2] $KeyOf)
    $lines = {
        param([string] $label, [byte[]] $bytes)
        $text = [Convert]::ToBase64String($bytes)
        $out = New-Object -TypeName System.Text.StringBuilder
        $null = $out.Append("-----BEGIN $label-----`n")
        for ($i = 0; $i -lt $text.Length; $i += 64) {
            $null = $out.Append($text.Substring($i, [Math]::Min(64, $text.Length - $i))).Append("`n")
        }
        $null = $out.Append("-----END $label-----`n")
        $out.ToString()
    }
    $pem = & $lines 'CERTIFICATE' $Certificate.RawData
    if ($WithKey) {
        $owner = $Certificate
        if ($null -ne $KeyOf) {
            $owner = $KeyOf
        }
        $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($owner)
        $pem += & $lines 'PRIVATE KEY' $key.ExportPkcs8PrivateKey()
    }
    $pem
}

# Registers a certificate on the emulator's app (POST /_emulator/certificates); returns its thumbprints.
function Register-TestCertificate {
    param($Emulator, [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate)
    $body = @{ certificate = (ConvertTo-TestPem -Certificate $Certificate) } | ConvertTo-Json -Compress
    Invoke-RestMethod -Method Post -Uri "$($Emulator.Url)/_emulator/certificates" -ContentType 'application/json' -Body $body
}

# One GET without following redirects: {Status, Location}. localhost is asked at 127.0.0.1, where the library
# listens for the sign-in's redirect.
function Invoke-TestHttpGet {
    param([string] $Url)
    $request = [System.Net.HttpWebRequest]::Create($Url.Replace('://localhost:', '://127.0.0.1:'))
    $request.AllowAutoRedirect = $false
    $request.Timeout = 20000
    $response = $null
    try {
        $response = $request.GetResponse()
    }
    catch [System.Net.WebException] {
        $response = $_.Exception.Response
        if ($null -eq $response) {
            throw
        }
    }
    try {
        [pscustomobject]@{ Status = [int]$response.StatusCode; Location = $response.Headers['Location'] }
    }
    finally {
        $response.Close()
    }
}

# What a browser does with an interactive sign-in's URL at the emulator: the emulator signs the user in and
# redirects to the library's loopback listener, which ends the sign-in. Returns the listener's status.
function Invoke-TestBrowser {
    param([string] $AuthorizeUrl)
    $authorize = Invoke-TestHttpGet -Url $AuthorizeUrl
    if ($authorize.Status -ne 302 -or [string]::IsNullOrEmpty($authorize.Location)) {
        throw "The authorize endpoint answered $($authorize.Status) without a redirect."
    }
    (Invoke-TestHttpGet -Url $authorize.Location).Status
}

# A forward proxy for plain HTTP on loopback (C#, compiled once per session): takes absolute-form requests,
# forwards them to their host, relays the answer, one request per connection. With a required Proxy-Authorization
# value, requests without it get 407. Seen lists the targets it forwarded; Refused counts the 407s.
function Start-TestProxy {
    param([string] $UserName, [string] $Password)
    if ($null -eq ('DelegatedAdminTests.LoopbackProxy' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace DelegatedAdminTests
{
    public class LoopbackProxy : IDisposable
    {
        private readonly TcpListener listener;
        private readonly string required;
        private readonly List<string> seen = new List<string>();
        private readonly object gate = new object();
        private int refused;

        public LoopbackProxy(string requiredAuthorization)
        {
            required = requiredAuthorization;
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Thread thread = new Thread(Accept);
            thread.IsBackground = true;
            thread.Start();
        }

        public string Url { get { return "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port; } }

        public string[] Seen { get { lock (gate) { return seen.ToArray(); } } }

        public int Refused { get { return Interlocked.CompareExchange(ref refused, 0, 0); } }

        public void Dispose() { listener.Stop(); }

        private void Accept()
        {
            while (true)
            {
                TcpClient client;
                try { client = listener.AcceptTcpClient(); }
                catch (Exception) { return; }
                Thread thread = new Thread(Serve);
                thread.IsBackground = true;
                thread.Start(client);
            }
        }

        private static string ReadLine(Stream stream)
        {
            StringBuilder line = new StringBuilder();
            while (true)
            {
                int b = stream.ReadByte();
                if (b < 0) { return line.Length == 0 ? null : line.ToString(); }
                if (b == '\n') { return line.ToString().TrimEnd('\r'); }
                line.Append((char)b);
            }
        }

        private void Serve(object state)
        {
            using (TcpClient client = (TcpClient)state)
            {
                try
                {
                    NetworkStream stream = client.GetStream();
                    string requestLine = ReadLine(stream);
                    if (string.IsNullOrEmpty(requestLine)) { return; }
                    string[] parts = requestLine.Split(' ');
                    List<string> headers = new List<string>();
                    string authorization = null;
                    int length = 0;
                    string header;
                    while (!string.IsNullOrEmpty(header = ReadLine(stream)))
                    {
                        int colon = header.IndexOf(':');
                        string name = colon > 0 ? header.Substring(0, colon).Trim() : header;
                        string value = colon > 0 ? header.Substring(colon + 1).Trim() : "";
                        if (name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)) { authorization = value; continue; }
                        if (name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) { continue; }
                        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) { length = int.Parse(value); }
                        headers.Add(header);
                    }
                    byte[] body = new byte[length];
                    int read = 0;
                    while (read < length)
                    {
                        int n = stream.Read(body, read, length - read);
                        if (n <= 0) { return; }
                        read += n;
                    }
                    if (required != null && authorization != required)
                    {
                        Interlocked.Increment(ref refused);
                        byte[] answer = Encoding.ASCII.GetBytes("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        stream.Write(answer, 0, answer.Length);
                        return;
                    }
                    Uri target = new Uri(parts[1]);
                    lock (gate) { seen.Add(parts[0] + " " + target.AbsolutePath); }
                    using (TcpClient origin = new TcpClient(target.Host, target.Port))
                    {
                        NetworkStream upstream = origin.GetStream();
                        StringBuilder head = new StringBuilder();
                        head.Append(parts[0]).Append(' ').Append(target.PathAndQuery).Append(" HTTP/1.1\r\n");
                        foreach (string h in headers) { head.Append(h).Append("\r\n"); }
                        head.Append("Connection: close\r\n\r\n");
                        byte[] headBytes = Encoding.ASCII.GetBytes(head.ToString());
                        upstream.Write(headBytes, 0, headBytes.Length);
                        upstream.Write(body, 0, body.Length);
                        upstream.CopyTo(stream);
                    }
                }
                catch (Exception)
                {
                    // The client or the origin went away: nothing to relay.
                }
            }
        }
    }
}
'@
    }
    $required = $null
    if (-not [string]::IsNullOrEmpty($UserName)) {
        $required = 'Basic ' + [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes("${UserName}:${Password}"))
    }
    New-Object -TypeName DelegatedAdminTests.LoopbackProxy -ArgumentList $required
}
