#Requires -Version 5.1
# Pester 5 tests of Connect-DelegatedAdmin's credentials, clouds and proxy, and of Test-DelegatedAdminReadiness,
# against the packaged module and the emulator, under Set-StrictMode -Version Latest: certificates (a PEM file with
# PS256 and RS256, a PFX with its password, an X509Certificate2, a thumbprint in the user's certificate store, each
# signed by the library or in .NET; a wrong password, an expired certificate, a missing file, a certificate the app
# does not have), managed identity (App Service / Automation, the older MSI form, the instance metadata service at
# an override, user-assigned by each id; a wrong header, an unknown identity, the endpoint down, the service
# unavailable: child shells whose environment is the host's), interactive browser sign-in (the emulator's
# authorize page driven by an HTTP client; declined; no browser; Ctrl+C closing the listener), national clouds
# (each token's audience), a loopback proxy with credentials, and readiness. No secret appears in any output.
Set-StrictMode -Version Latest

BeforeDiscovery {
    $IsPowerShell7 = $PSVersionTable.PSVersion.Major -ge 7
}

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    $Emulator = Start-TestEmulator -Arguments '--customers 30 --seed 41'
    $Url = $Emulator.Url
    $Fixtures = $Emulator.Fixtures
    $Secret = ConvertTo-SecureString -String $Fixtures.clientSecret -AsPlainText -Force
    $Work = Join-Path -Path $TestDrive -ChildPath 'credentials'
    $null = New-Item -ItemType Directory -Path $Work

    # Certificates: one registered on the app, one it does not know, one expired (registered too).
    $Certificate = New-TestCertificate
    $Unregistered = New-TestCertificate -Subject 'CN=delegated-admin-unregistered'
    $Expired = New-TestCertificate -NotBefore ([DateTimeOffset]::new(2020, 1, 1, 0, 0, 0, [TimeSpan]::Zero)) -NotAfter ([DateTimeOffset]::new(2021, 1, 1, 0, 0, 0, [TimeSpan]::Zero))
    $null = Register-TestCertificate -Emulator $Emulator -Certificate $Certificate
    $null = Register-TestCertificate -Emulator $Emulator -Certificate $Expired
    $PfxPassword = 'pfx-password-never-shown-5521'
    $PfxPath = Join-Path -Path $Work -ChildPath 'partner-app.pfx'
    [System.IO.File]::WriteAllBytes($PfxPath, $Certificate.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pfx, $PfxPassword))

    function Connect-Secret {
        param($Target = $Emulator)
        Connect-DelegatedAdmin -Endpoint $Target.Url -TenantId $Target.Fixtures.tenantId -ClientId $Target.Fixtures.clientId -ClientSecret (ConvertTo-SecureString -String $Target.Fixtures.clientSecret -AsPlainText -Force)
    }

    # Everything a person could see of the current connection and of an error.
    function Get-ShownText {
        param($ErrorRecord)
        $context = Get-DelegatedAdminContext
        $parts = @(
            ($context | Format-List * | Out-String -Width 500),
            ($context | ConvertTo-Json -Depth 6 -WarningAction SilentlyContinue),
            [string]$context
        )
        if ($null -ne $ErrorRecord) {
            $parts += @($ErrorRecord.ToString(), $ErrorRecord.Exception.Message, [string]$ErrorRecord.ErrorDetails, ($ErrorRecord | Format-List * -Force | Out-String -Width 500))
        }
        $parts -join "`n"
    }

    # Runs a child shell that imports the module and evaluates cases; each case prints one "CASE <name> ..." line.
    $CasePrelude = @'
$ErrorActionPreference = 'Stop'
Import-Module -Name $args[0]
$url = $args[1]
function Test-Case {
    param([string] $Name, [scriptblock] $Body)
    try {
        $result = & $Body
        'CASE {0} ok {1}' -f $Name, ($result -join '|')
    }
    catch {
        'CASE {0} error {1} {2} {3}' -f $Name, $_.FullyQualifiedErrorId, $_.CategoryInfo.Category, $_.Exception.Message
    }
}
'@

    function Get-Case {
        param([string] $Output, [string] $Name)
        $line = @($Output -split "`r?`n" | Where-Object { $_ -like "CASE $Name *" })
        if ($line.Count -ne 1) {
            throw "No single result for case $Name in: $Output"
        }
        $line[0].Substring(('CASE ' + $Name + ' ').Length)
    }

    function Get-ClosedPortUrl {
        $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 0
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        'http://127.0.0.1:{0}' -f $port
    }
}

AfterAll {
    if (Get-Module -Name DelegatedAdmin) {
        Disconnect-DelegatedAdmin
    }
    Stop-TestEmulator -Emulator $Emulator
}

Describe 'Connect-DelegatedAdmin -CertificatePath (the library signs)' {
    It 'connects with a PEM file (PS256, and RS256) and with a PFX and its password; the context names the file, never the password' -Skip:(-not $IsPowerShell7) {
        $pem = Join-Path -Path $Work -ChildPath 'partner-app.pem'
        [System.IO.File]::WriteAllText($pem, (ConvertTo-TestPem -Certificate $Certificate -WithKey))
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -CertificatePath $pem
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'CertificatePath'
        (Get-DelegatedAdminContext).CertificatePath | Should -Be $pem
        @(Get-DelegatedAdminCustomer -Top 2).Count | Should -Be 2
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -CertificatePath $pem -SignatureAlgorithm RS256
        (Get-DelegatedAdminContext).SignatureAlgorithm | Should -Be 'RS256'
        @(Get-DelegatedAdminGdapRelationship -MaxResults 1).Count | Should -Be 1

        $password = ConvertTo-SecureString -String $PfxPassword -AsPlainText -Force
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -CertificatePath $PfxPath -CertificatePassword $password -Verbose 4>&1 | Out-Null
        @(Get-DelegatedAdminLighthouseAssignment -Scope ('/subscriptions/' + $Fixtures.subscriptions[0].subscriptionId)).Count | Should -BeGreaterThan 0
        $verbose = @(Get-DelegatedAdminCustomer -Top 1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n"
        $shown = (Get-ShownText) + $verbose
        $shown | Should -Match ([regex]::Escape($PfxPath))
        $shown | Should -Not -Match ([regex]::Escape($PfxPassword))
        # The caller's SecureString is theirs: the connection keeps a copy.
        $password.Length | Should -Be $PfxPassword.Length
    }

    It 'resolves a path relative to the current PowerShell location' {
        Push-Location -LiteralPath $Work
        try {
            Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -CertificatePath './partner-app.pfx' -CertificatePassword (ConvertTo-SecureString -String $PfxPassword -AsPlainText -Force)
            (Get-DelegatedAdminContext).CertificatePath | Should -Be $PfxPath
        }
        finally {
            Pop-Location
        }
    }

    It 'refuses a wrong PFX password, an expired certificate and a missing file before anything is sent, never echoing the password' -Skip:(-not $IsPowerShell7) {
        $expiredPem = Join-Path -Path $Work -ChildPath 'expired.pem'
        [System.IO.File]::WriteAllText($expiredPem, (ConvertTo-TestPem -Certificate $Expired -WithKey))
        $wrong = 'wrong-password-3319'
        $cases = @(
            @{ Arguments = @{ CertificatePath = $PfxPath; CertificatePassword = (ConvertTo-SecureString -String $wrong -AsPlainText -Force) }; Says = 'password'; Id = 'DelegatedAdmin.invalid_request*' }
            @{ Arguments = @{ CertificatePath = $PfxPath }; Says = 'password'; Id = 'DelegatedAdmin.invalid_request*' }
            @{ Arguments = @{ CertificatePath = $expiredPem }; Says = 'expired'; Id = 'DelegatedAdmin.invalid_request*' }
            @{ Arguments = @{ CertificatePath = (Join-Path -Path $Work -ChildPath 'missing.pfx') }; Says = 'does not exist'; Id = 'DelegatedAdmin.CertificateNotFound*' }
        )
        Connect-Secret
        foreach ($case in $cases) {
            $before = Get-EmulatorTraffic -Url $Url
            $arguments = $case.Arguments
            $failure = { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId @arguments } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike $case.Id
            $failure.CategoryInfo.Category | Should -BeIn @('InvalidArgument', 'ObjectNotFound')
            $failure.Exception.Message | Should -BeLike ('*' + $case.Says + '*')
            $shown = Get-ShownText -ErrorRecord $failure
            $shown | Should -Not -Match ([regex]::Escape($wrong))
            $shown | Should -Not -Match ([regex]::Escape($PfxPassword))
            $after = Get-EmulatorTraffic -Url $Url
            $after.TokenRequests | Should -Be $before.TokenRequests
            $after.ServiceRequests | Should -Be $before.ServiceRequests
            # The connection before is kept.
            (Get-DelegatedAdminContext).AuthKind | Should -Be 'ClientSecret'
        }
    }

    It 'a certificate the app does not have is refused by the identity platform (AADSTS700027)' -Skip:(-not $IsPowerShell7) {
        $pem = Join-Path -Path $Work -ChildPath 'unregistered.pem'
        [System.IO.File]::WriteAllText($pem, (ConvertTo-TestPem -Certificate $Unregistered -WithKey))
        $failure = { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -CertificatePath $pem } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.Exception.Code | Should -BeLike '*700027*'
    }
}

Describe 'Connect-DelegatedAdmin -Certificate and -CertificateThumbprint (signed in .NET)' {
    It 'signs PS256 and RS256 client assertions the identity platform accepts, and reuses one assertion across calls' {
        foreach ($algorithm in @('PS256', 'RS256')) {
            Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -Certificate $Certificate -SignatureAlgorithm $algorithm
            $context = Get-DelegatedAdminContext
            $context.AuthKind | Should -Be 'Certificate'
            $context.CertificateThumbprint | Should -Be $Certificate.Thumbprint
            $before = Get-EmulatorTraffic -Url $Url
            @(Get-DelegatedAdminCustomer -Top 2).Count | Should -Be 2
            @(Get-DelegatedAdminCustomer -Top 3).Count | Should -Be 3
            # One token for both calls: the same assertion finds the library's credential, and its cache, again.
            ((Get-EmulatorTraffic -Url $Url).TokenRequests - $before.TokenRequests) | Should -Be 1
        }
        # The assertion is kept as a SecureString, and appears nowhere a person looks.
        $assertion = InModuleScope DelegatedAdmin { Get-DelegatedAdminClientAssertion -Connection $script:DelegatedAdminConnection }
        $assertion.Split('.').Count | Should -Be 3
        InModuleScope DelegatedAdmin { $script:DelegatedAdminConnection.AssertionCache.Assertion } | Should -BeOfType ([System.Security.SecureString])
        $verbose = @(Get-DelegatedAdminCustomer -Top 1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n"
        ((Get-ShownText) + $verbose) | Should -Not -Match ([regex]::Escape($assertion.Split('.')[2]))
    }

    It 'signs with the header and claims the identity platform documents' {
        $signed = InModuleScope DelegatedAdmin -Parameters @{ Certificate = $Certificate; Audience = $Fixtures.tokenEndpoint; ClientId = $Fixtures.clientId } {
            param($Certificate, $Audience, $ClientId)
            ConvertTo-DelegatedAdminClientAssertion -Certificate $Certificate -ClientId $ClientId -Audience $Audience
        }
        $decode = {
            param([string] $part)
            $text = $part.Replace('-', '+').Replace('_', '/')
            $text += '=' * ((4 - $text.Length % 4) % 4)
            [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($text)) | ConvertFrom-Json
        }
        $parts = $signed.Assertion.Split('.')
        $header = & $decode $parts[0]
        $claims = & $decode $parts[1]
        $header.alg | Should -Be 'PS256'
        $sha256 = [System.Security.Cryptography.SHA256]::Create()
        $header.'x5t#S256' | Should -Be ([Convert]::ToBase64String($sha256.ComputeHash($Certificate.RawData)).TrimEnd('=').Replace('+', '-').Replace('/', '_'))
        $claims.aud | Should -Be $Fixtures.tokenEndpoint
        $claims.iss | Should -Be $Fixtures.clientId
        $claims.sub | Should -Be $Fixtures.clientId
        [guid]::Parse($claims.jti) | Should -Not -BeNullOrEmpty
        ($claims.exp - $claims.nbf) | Should -Be 600
        $signed.ExpiresOn.Kind | Should -Be 'Utc'
    }

    It 'refuses an expired certificate, and one without its private key, before anything is sent' {
        Connect-Secret
        $before = Get-EmulatorTraffic -Url $Url
        $failure = { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -Certificate $Expired } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.CertificateExpired*'
        $failure.Exception.Message | Should -BeLike '*expired on 2021-01-01*'
        $publicOnly = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (, $Certificate.RawData)
        $failure = { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -Certificate $publicOnly } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.CertificateUnusable*'
        (Get-EmulatorTraffic -Url $Url).TokenRequests | Should -Be $before.TokenRequests
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'ClientSecret'
    }

    It 'finds the certificate by thumbprint in the user''s store (a child shell with a store of its own), and names the stores when it is not there' {
        $storeHome = Join-Path -Path $TestDrive -ChildPath 'store-home'
        $null = New-Item -ItemType Directory -Force -Path $storeHome
        $script = $CasePrelude + @'
$pfx = $args[2]; $password = $args[3]; $tenant = $args[4]; $client = $args[5]
$flags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::PersistKeySet -bor [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable
$certificate = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $pfx, $password, $flags
$store = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', 'CurrentUser'
$store.Open('ReadWrite')
$store.Add($certificate)
$store.Close()
try {
    # As the certificate dialogs show it: lower case, with spaces.
    $shown = ($certificate.Thumbprint.ToLowerInvariant() -split '(..)' | Where-Object { $_ }) -join ' '
    Test-Case 'thumbprint' { Connect-DelegatedAdmin -Endpoint $url -TenantId $tenant -ClientId $client -CertificateThumbprint $shown; $c = Get-DelegatedAdminContext; $c.AuthKind; $c.CertificateThumbprint; @(Get-DelegatedAdminCustomer -Top 2).Count }
    Test-Case 'unknown' { Connect-DelegatedAdmin -Endpoint $url -TenantId $tenant -ClientId $client -CertificateThumbprint ('AB' * 20) }
    Test-Case 'malformed' { Connect-DelegatedAdmin -Endpoint $url -TenantId $tenant -ClientId $client -CertificateThumbprint 'not-a-thumbprint' }
}
finally {
    $store.Open('ReadWrite')
    $store.Remove($certificate)
    $store.Close()
}
'@
        $run = Invoke-ChildShell -Script $script -Arguments @($ModuleManifest, $Url, $PfxPath, $PfxPassword, $Fixtures.tenantId, $Fixtures.clientId) -Environment @{ HOME = $storeHome } -RemoveEnvironment $HostIdentityVariables
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-Case -Output $run.Output -Name 'thumbprint' | Should -Be ('ok CertificateThumbprint|{0}|2' -f $Certificate.Thumbprint)
        $unknown = Get-Case -Output $run.Output -Name 'unknown'
        $unknown | Should -BeLike 'error DelegatedAdmin.CertificateNotFound* ObjectNotFound *'
        $unknown | Should -BeLike '*Cert:\CurrentUser\My*'
        Get-Case -Output $run.Output -Name 'malformed' | Should -BeLike 'error DelegatedAdmin.InvalidArgument.CertificateThumbprint* InvalidArgument *'
        $run.Output | Should -Not -Match ([regex]::Escape($PfxPassword))
    }
}

Describe 'Connect-DelegatedAdmin -ManagedIdentity (child shells started with the host''s environment)' {
    BeforeAll {
        $Identity = $Fixtures.managedIdentity
        $ManagedIdentityScript = $CasePrelude + @'
$fixtures = Invoke-RestMethod -Uri "$url/_emulator/fixtures"
$user = $fixtures.managedIdentity.userAssigned
$show = { $c = Get-DelegatedAdminContext; $c.AuthKind; $c.ManagedIdentity; @(Get-DelegatedAdminCustomer -Top 2).Count }
foreach ($case in $args[2].Split(',')) {
    switch ($case) {
        'unavailable' {
            Invoke-RestMethod -Method Post -Uri "$url/_emulator/faults" -ContentType 'application/json' -Body '{"managedIdentityUnavailable":true}' | Out-Null
            Test-Case 'unavailable' { Connect-DelegatedAdmin -ManagedIdentity -Endpoint $url -MaxRetries 0 }
            Invoke-RestMethod -Method Post -Uri "$url/_emulator/faults/clear" | Out-Null
        }
        'system' { Test-Case 'system' { Connect-DelegatedAdmin -ManagedIdentity -Endpoint $url -MaxRetries 0; & $show } }
        'clientId' { Test-Case 'clientId' { Connect-DelegatedAdmin -ManagedIdentity -ManagedIdentityClientId $user.clientId -Endpoint $url; & $show } }
        'objectId' { Test-Case 'objectId' { Connect-DelegatedAdmin -ManagedIdentity -ManagedIdentityObjectId $user.objectId -Endpoint $url; & $show } }
        'resourceId' { Test-Case 'resourceId' { Connect-DelegatedAdmin -ManagedIdentity -ManagedIdentityResourceId $user.resourceId -Endpoint $url; & $show } }
        'unknown' { Test-Case 'unknown' { Connect-DelegatedAdmin -ManagedIdentity -ManagedIdentityClientId '11111111-2222-4333-8444-555555555555' -Endpoint $url -MaxRetries 0 } }
        'two' { Test-Case 'two' { Connect-DelegatedAdmin -ManagedIdentity -ManagedIdentityClientId $user.clientId -ManagedIdentityObjectId $user.objectId -Endpoint $url } }
        'token' { Test-Case 'token' { Connect-DelegatedAdmin -ManagedIdentity -Endpoint $url -SkipValidation; $t = Get-DelegatedAdminToken -Resource 'https://graph.microsoft.com'; $t.TokenType; $t.AccessToken.GetType().Name } }
        'readiness' { Test-Case 'readiness' { Connect-DelegatedAdmin -ManagedIdentity -Endpoint $url -SkipValidation; Test-DelegatedAdminReadiness -Service Graph, ResourceManager | ForEach-Object { '{0}:{1}:{2}:{3}' -f $_.Service, $_.Identity, $_.Audience, $_.Ready } } }
    }
}
'@
        function Invoke-ManagedIdentityChild {
            param([hashtable] $Environment, [string] $Cases)
            Invoke-ChildShell -Script $ManagedIdentityScript -Arguments @($ModuleManifest, $Url, $Cases) -Environment $Environment -RemoveEnvironment $HostIdentityVariables
        }
    }

    AfterEach {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults/clear'
    }

    It 'App Service / Azure Automation (IDENTITY_ENDPOINT, IDENTITY_HEADER): system-assigned and user-assigned by each id; an unknown identity, two ids and the service unavailable fail clearly' {
        $before = (Get-EmulatorJson -Url $Url -Path '/_emulator/stats').managedIdentityRequests
        $environment = @{ IDENTITY_ENDPOINT = $Identity.appService.endpoint; IDENTITY_HEADER = $Identity.appService.identityHeader }
        $run = Invoke-ManagedIdentityChild -Environment $environment -Cases 'unavailable,system,clientId,objectId,resourceId,unknown,two,token,readiness'
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-Case -Output $run.Output -Name 'unavailable' | Should -BeLike 'error DelegatedAdmin.server_error* InvalidResult *'
        Get-Case -Output $run.Output -Name 'system' | Should -Be 'ok ManagedIdentity|system-assigned|2'
        Get-Case -Output $run.Output -Name 'clientId' | Should -Be ('ok ManagedIdentity|user-assigned, client id {0}|2' -f $Identity.userAssigned.clientId)
        Get-Case -Output $run.Output -Name 'objectId' | Should -Be ('ok ManagedIdentity|user-assigned, object id {0}|2' -f $Identity.userAssigned.objectId)
        Get-Case -Output $run.Output -Name 'resourceId' | Should -Be ('ok ManagedIdentity|user-assigned, resource id {0}|2' -f $Identity.userAssigned.resourceId)
        Get-Case -Output $run.Output -Name 'unknown' | Should -BeLike 'error DelegatedAdmin.invalid_request* InvalidArgument *'
        Get-Case -Output $run.Output -Name 'two' | Should -BeLike 'error DelegatedAdmin.InvalidArgument.ManagedIdentity* InvalidArgument *'
        Get-Case -Output $run.Output -Name 'token' | Should -Be 'ok Bearer|SecureString'
        Get-Case -Output $run.Output -Name 'readiness' | Should -Be 'ok Graph:app:https://graph.microsoft.com:True|ResourceManager:app:https://management.azure.com:True'
        $run.Output | Should -Not -Match ([regex]::Escape($Identity.appService.identityHeader))
        (Get-EmulatorJson -Url $Url -Path '/_emulator/stats').managedIdentityRequests | Should -BeGreaterThan ($before + 5)
    }

    It 'a wrong identity header is unauthorized and never echoed; the endpoint down is a network error' {
        $wrongHeader = 'not-the-identity-header-4711'
        $run = Invoke-ManagedIdentityChild -Environment @{ IDENTITY_ENDPOINT = $Identity.appService.endpoint; IDENTITY_HEADER = $wrongHeader } -Cases 'system'
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $case = Get-Case -Output $run.Output -Name 'system'
        $case | Should -BeLike 'error DelegatedAdmin.unauthorized* AuthenticationError *'
        $case | Should -BeLike '*IDENTITY_ENDPOINT*'
        $run.Output | Should -Not -Match ([regex]::Escape($wrongHeader))

        $down = (Get-ClosedPortUrl) + '/msi/token'
        $run = Invoke-ManagedIdentityChild -Environment @{ IDENTITY_ENDPOINT = $down; IDENTITY_HEADER = $Identity.appService.identityHeader } -Cases 'system'
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-Case -Output $run.Output -Name 'system' | Should -BeLike 'error DelegatedAdmin.network* ConnectionError *'
        $run.Output | Should -Not -Match ([regex]::Escape($Identity.appService.identityHeader))
    }

    It 'the older App Service form (MSI_ENDPOINT, MSI_SECRET), with the Windows and the Linux hosts'' date forms' {
        $environment = @{ MSI_ENDPOINT = $Identity.msi.endpoint; MSI_SECRET = $Identity.msi.secret }
        $run = Invoke-ManagedIdentityChild -Environment $environment -Cases 'system,clientId'
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-Case -Output $run.Output -Name 'system' | Should -Be 'ok ManagedIdentity|system-assigned|2'
        Get-Case -Output $run.Output -Name 'clientId' | Should -BeLike 'ok ManagedIdentity|user-assigned, client id *|2'
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"msiLinuxDates":true}'
        $run = Invoke-ManagedIdentityChild -Environment $environment -Cases 'system,objectId'
        Get-Case -Output $run.Output -Name 'system' | Should -Be 'ok ManagedIdentity|system-assigned|2'
        # The older form names a user-assigned identity by client id only: refused before anything is sent.
        Get-Case -Output $run.Output -Name 'objectId' | Should -BeLike 'error DelegatedAdmin.invalid_request* InvalidArgument *'
        $run.Output | Should -Not -Match ([regex]::Escape($Identity.msi.secret))
    }

    It 'the instance metadata service, at the override the library honours (never the real metadata address)' {
        $run = Invoke-ManagedIdentityChild -Environment @{ AZURE_POD_IDENTITY_AUTHORITY_HOST = $Identity.imds.host } -Cases 'system,clientId'
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-Case -Output $run.Output -Name 'system' | Should -Be 'ok ManagedIdentity|system-assigned|2'
        Get-Case -Output $run.Output -Name 'clientId' | Should -BeLike 'ok ManagedIdentity|user-assigned, client id *|2'
        @(Get-EmulatorRequest -Url $Url | Where-Object { $_.path -like '/metadata/identity/oauth2/token*' }).Count | Should -BeGreaterThan 1
    }
}

Describe 'Connect-DelegatedAdmin -Interactive (authorization code with PKCE)' {
    AfterEach {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults/clear'
        Connect-Secret
    }

    It 'opens the browser on the authorize page (S256), and keeps the user''s refresh token: App+User with MFA' {
        $opened = New-Object -TypeName System.Collections.Generic.List[string]
        Mock -ModuleName DelegatedAdmin -CommandName Start-Process -MockWith {
            $opened.Add($FilePath)
            $null = Invoke-TestBrowser -AuthorizeUrl $FilePath
        }
        Mock -ModuleName DelegatedAdmin -CommandName Write-Host -MockWith { return }
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -Interactive -LoginHint 'admin@contosopartner.onmicrosoft.com'
        $opened.Count | Should -Be 1
        $opened[0] | Should -BeLike "$Url/$($Fixtures.tenantId)/oauth2/v2.0/authorize?*"
        $opened[0] | Should -Match 'code_challenge_method=S256'
        $opened[0] | Should -Match 'redirect_uri=http%3A%2F%2Flocalhost%3A\d+'
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Host -ParameterFilter { [string]$Object -like '*authorize?*' }
        $context = Get-DelegatedAdminContext
        $context.AuthKind | Should -Be 'Interactive'
        $context.Scope | Should -Be 'https://api.partnercenter.microsoft.com/user_impersonation offline_access'
        $ready = @(Test-DelegatedAdminReadiness -Service PartnerCenter, Graph -WarningVariable warnings -WarningAction SilentlyContinue)
        $ready.Count | Should -Be 2
        foreach ($service in $ready) {
            $service.Identity | Should -Be 'user'
            $service.Mfa | Should -BeTrue
            $service.Ready | Should -BeTrue
        }
        @($warnings).Count | Should -Be 0
        ((Get-EmulatorJson -Url $Url -Path '/_emulator/stats').authorizeRequests) | Should -BeGreaterThan 0
    }

    It 'without a browser, says so, and the sign-in still works from the printed page' {
        Mock -ModuleName DelegatedAdmin -CommandName Start-Process -MockWith { throw 'no browser on this host' }
        Mock -ModuleName DelegatedAdmin -CommandName Write-Host -MockWith {
            if ([string]$Object -like 'http*authorize?*') {
                $null = Invoke-TestBrowser -AuthorizeUrl ([string]$Object)
            }
        }
        $warnings = @()
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -Interactive -WarningVariable warnings -WarningAction SilentlyContinue
        ($warnings -join "`n") | Should -BeLike '*No browser could be opened*no browser on this host*open the page above yourself*'
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'Interactive'
        @(Get-DelegatedAdminCustomer -Top 1).Count | Should -Be 1
    }

    It 'a declined sign-in is an authentication error with the identity platform''s reason; the connection before is kept' {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"authorizeDenied":true}'
        Mock -ModuleName DelegatedAdmin -CommandName Start-Process -MockWith { $null = Invoke-TestBrowser -AuthorizeUrl $FilePath }
        Mock -ModuleName DelegatedAdmin -CommandName Write-Host -MockWith { return }
        $failure = { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -Interactive } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.InteractiveSignInDeclined*'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.Exception.Message | Should -BeLike '*access_denied*'
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'ClientSecret'
    }

    It 'Ctrl+C (a stopped runspace) cancels the sign-in: the loopback listener closes' {
        $ps = [powershell]::Create()
        try {
            # The runspace's "browser" only records the page: nobody signs in.
            $shared = [hashtable]::Synchronized(@{})
            $null = $ps.AddScript(@'
param($m, $u, $t, $c, $shared)
$global:Shared = $shared
function global:Start-Process { param($FilePath) $global:Shared['Page'] = $FilePath }
Import-Module -Name $m -ErrorAction Stop
Connect-DelegatedAdmin -Endpoint $u -TenantId $t -ClientId $c -Interactive
'@).AddArgument($ModuleManifest).AddArgument($Url).AddArgument($Fixtures.tenantId).AddArgument($Fixtures.clientId).AddArgument($shared)
            $async = $ps.BeginInvoke()
            $page = $null
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($null -eq $page -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 100
                $page = $shared['Page']
            }
            # (A running pipeline's streams are not read here: enumerating them waits for the pipeline's end.)
            $page | Should -Not -BeNullOrEmpty -Because 'the sign-in starts and opens the page'
            $port = [int]([regex]::Match([Uri]::UnescapeDataString($page), 'redirect_uri=http://localhost:(\d+)').Groups[1].Value)
            $probe = New-Object -TypeName System.Net.Sockets.TcpClient
            $probe.Connect('127.0.0.1', $port)
            $probe.Close()
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $closed = $false
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (-not $closed -and [DateTime]::UtcNow -lt $deadline) {
                $probe = New-Object -TypeName System.Net.Sockets.TcpClient
                try {
                    $probe.Connect('127.0.0.1', $port)
                    Start-Sleep -Milliseconds 100
                }
                catch {
                    $closed = $true
                }
                finally {
                    $probe.Close()
                }
            }
            $closed | Should -BeTrue -Because "the listener on port $port must close when the sign-in is cancelled"
            $null = $async
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'National clouds (-Cloud): every token for its own cloud''s audience' {
    It 'USGov: the US Government audiences; the services the cloud lacks are refused, naming them, before anything is sent' {
        $gov = Start-TestEmulator -Arguments '--customers 10 --cloud usGovernment'
        try {
            Connect-DelegatedAdmin -Cloud USGov -Endpoint $gov.Url -TenantId $gov.Fixtures.tenantId -ClientId $gov.Fixtures.clientId -ClientSecret $Secret
            (Get-DelegatedAdminContext).Cloud | Should -Be 'USGov'
            $ready = @(Test-DelegatedAdminReadiness -WarningAction SilentlyContinue)
            ($ready | Where-Object Service -EQ 'Graph').Audience | Should -Be 'https://graph.microsoft.us'
            ($ready | Where-Object Service -EQ 'ResourceManager').Audience | Should -Be 'https://management.usgovcloudapi.net'
            ($ready | Where-Object Service -EQ 'PartnerCenter').Ready | Should -BeTrue
            $customerAdmin = $ready | Where-Object Service -EQ 'CustomerAdmin'
            $customerAdmin.Ready | Should -BeFalse
            $customerAdmin.TokenError | Should -BeLike 'invalid_request:*US Government*'
            $before = Get-EmulatorTraffic -Url $gov.Url
            $failure = { Get-DelegatedAdminCustomer -Top 1 } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*US Government*'
            (Get-EmulatorTraffic -Url $gov.Url).ServiceRequests | Should -Be $before.ServiceRequests
            @(Get-DelegatedAdminGdapRelationship -MaxResults 1).Count | Should -Be 1
        }
        finally {
            Stop-TestEmulator -Emulator $gov
            Connect-Secret
        }
    }

    It 'China: the connection is validated with the China Partner Center audience, and Graph and ARM follow' {
        $china = Start-TestEmulator -Arguments '--customers 10 --cloud china'
        try {
            Connect-DelegatedAdmin -Cloud China -Endpoint $china.Url -TenantId $china.Fixtures.tenantId -ClientId $china.Fixtures.clientId -ClientSecret $Secret
            $ready = @(Test-DelegatedAdminReadiness -Service PartnerCenter, Graph, ResourceManager -WarningAction SilentlyContinue)
            ($ready | Where-Object Service -EQ 'PartnerCenter').Audience | Should -Be 'https://partner.partnercenterapi.microsoftonline.cn'
            ($ready | Where-Object Service -EQ 'Graph').Audience | Should -Be 'https://microsoftgraph.chinacloudapi.cn'
            ($ready | Where-Object Service -EQ 'ResourceManager').Audience | Should -Be 'https://management.chinacloudapi.cn'
            @($ready | Where-Object { -not $_.Ready }).Count | Should -Be 0
            # Get-DelegatedAdminToken's default is Partner Center of the connection's cloud too.
            (Get-DelegatedAdminToken).Scope | Should -BeLike 'https://partner.partnercenterapi.microsoftonline.cn/*'
            # The public cloud's scopes at the China identity platform: refused, never a token for the wrong audience.
            $failure = { Connect-DelegatedAdmin -Endpoint $china.Url -TenantId $china.Fixtures.tenantId -ClientId $china.Fixtures.clientId -ClientSecret $Secret } | Should -Throw -PassThru
            $failure.Exception.Code | Should -BeLike '*70011*'
        }
        finally {
            Stop-TestEmulator -Emulator $china
            Connect-Secret
        }
    }

    It 'USGovDoD: Graph''s DoD audience (dod-graph.microsoft.us) is asked for; the US Government authority and ARM are kept' {
        $gov = Start-TestEmulator -Arguments '--customers 10 --cloud usGovernment'
        try {
            Connect-DelegatedAdmin -Cloud USGovDoD -Endpoint $gov.Url -TenantId $gov.Fixtures.tenantId -ClientId $gov.Fixtures.clientId -ClientSecret $Secret -SkipValidation
            $ready = @(Test-DelegatedAdminReadiness -Service Graph, ResourceManager -WarningAction SilentlyContinue)
            $graph = $ready | Where-Object Service -EQ 'Graph'
            $graph.Scope | Should -Be 'https://dod-graph.microsoft.us/.default'
            # The emulator plays the US Government cloud, whose Graph is graph.microsoft.us: it refuses the DoD scope.
            $graph.TokenError | Should -BeLike '*70011*'
            ($ready | Where-Object Service -EQ 'ResourceManager').Audience | Should -Be 'https://management.usgovcloudapi.net'
        }
        finally {
            Stop-TestEmulator -Emulator $gov
            Connect-Secret
        }
    }

    It 'without -Endpoint, the context shows the cloud''s own hosts' {
        Connect-DelegatedAdmin -Cloud USGov -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret -SkipValidation
        $context = Get-DelegatedAdminContext
        $context.Authority | Should -Be 'https://login.microsoftonline.us'
        $context.GraphEndpoint | Should -Be 'https://graph.microsoft.us'
        $context.ResourceManagerEndpoint | Should -Be 'https://management.usgovcloudapi.net'
        $context.CustomerAdminEndpoint | Should -BeNullOrEmpty
        Connect-DelegatedAdmin -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret -SkipValidation
        (Get-DelegatedAdminContext).GraphEndpoint | Should -Be 'https://graph.microsoft.com'
        Connect-Secret
    }
}

Describe 'Connect-DelegatedAdmin -Proxy' {
    It 'sends every request, token requests included, through the proxy with -ProxyCredential; the password is never shown' {
        $proxyPassword = 'proxy-password-never-shown-8841'
        $proxy = Start-TestProxy -UserName 'proxy-user' -Password $proxyPassword
        try {
            $credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList 'proxy-user', (ConvertTo-SecureString -String $proxyPassword -AsPlainText -Force)
            Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret -Proxy $proxy.Url -ProxyCredential $credential
            @(Get-DelegatedAdminCustomer -Top 2).Count | Should -Be 2
            @(Get-DelegatedAdminGdapRelationship -MaxResults 1).Count | Should -Be 1
            $seen = @($proxy.Seen)
            $seen | Should -Contain ('POST /{0}/oauth2/v2.0/token' -f $Fixtures.tenantId)
            $seen | Should -Contain 'GET /CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers'
            $seen | Should -Contain 'GET /v1.0/tenantRelationships/delegatedAdminRelationships'
            $proxy.Refused | Should -Be 0
            (Get-DelegatedAdminContext).Proxy | Should -Be ('{0} (user proxy-user)' -f $proxy.Url)
            $verbose = @(Get-DelegatedAdminCustomer -Top 1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n"
            ((Get-ShownText) + $verbose) | Should -Not -Match ([regex]::Escape($proxyPassword))

            # Without the credentials the proxy asks for: an error with its 407, and nothing reaches the emulator.
            Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret -Proxy $proxy.Url -SkipValidation -MaxRetries 0
            $before = Get-EmulatorTraffic -Url $Url
            $failure = { Get-DelegatedAdminCustomer -Top 1 -ErrorAction Stop } | Should -Throw -PassThru
            $failure.Exception.Status | Should -Be 407
            $proxy.Refused | Should -BeGreaterThan 0
            (Get-EmulatorTraffic -Url $Url).TokenRequests | Should -Be $before.TokenRequests
        }
        finally {
            $proxy.Dispose()
            Connect-Secret
        }
    }

    It 'refuses -ProxyCredential without a proxy URL, and a URL that carries credentials' {
        $credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList 'u', (ConvertTo-SecureString -String 'p' -AsPlainText -Force)
        { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret -ProxyCredential $credential } | Should -Throw -ErrorId 'DelegatedAdmin.InvalidArgument.ProxyCredential,Connect-DelegatedAdmin'
        $failure = { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret -Proxy 'http://user:hunter2@127.0.0.1:3128' } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.InvalidArgument.Proxy*'
        $failure.Exception.Message | Should -Not -Match 'hunter2'
    }

    It 'honours HTTP_PROXY of the environment by default, and -Proxy None ignores it (a child shell with its own environment)' {
        $script = $CasePrelude + @'
$tenant = $args[2]; $client = $args[3]; $secret = ConvertTo-SecureString -String $args[4] -AsPlainText -Force
Test-Case 'environment' { Connect-DelegatedAdmin -Endpoint $url -TenantId $tenant -ClientId $client -ClientSecret $secret -MaxRetries 0 }
Test-Case 'none' { Connect-DelegatedAdmin -Endpoint $url -TenantId $tenant -ClientId $client -ClientSecret $secret -Proxy None; (Get-DelegatedAdminContext).Proxy; @(Get-DelegatedAdminCustomer -Top 1).Count }
'@
        $run = Invoke-ChildShell -Script $script -Arguments @($ModuleManifest, $Url, $Fixtures.tenantId, $Fixtures.clientId, $Fixtures.clientSecret) -Environment @{ HTTP_PROXY = (Get-ClosedPortUrl) } -RemoveEnvironment $HostIdentityVariables
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-Case -Output $run.Output -Name 'environment' | Should -BeLike 'error DelegatedAdmin.network* ConnectionError *'
        Get-Case -Output $run.Output -Name 'none' | Should -Be 'ok None|1'
        $run.Output | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
    }
}

Describe 'Test-DelegatedAdminReadiness' {
    BeforeAll {
        Connect-Secret
    }

    It 'reports every service: its audience, expiry, an app-only identity with MFA unknown, and a cheap read; never a token' {
        $warnings = @()
        $ready = @(Test-DelegatedAdminReadiness -WarningVariable warnings -WarningAction SilentlyContinue)
        @($ready | ForEach-Object { $_.Service }) | Should -Be @('CustomerAdmin', 'PartnerCenter', 'CloudCockpit', 'ResourceManager', 'Graph')
        foreach ($service in $ready) {
            $service.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.ServiceReadiness'
            $service.Ready | Should -BeTrue
            $service.Identity | Should -Be 'app'
            $service.Mfa | Should -BeNullOrEmpty
            $service.ExpiresOn | Should -BeGreaterThan ([DateTime]::UtcNow)
            $service.ExpiresOn.Kind | Should -Be 'Utc'
            $service.Credential | Should -Be 'clientSecret'
        }
        ($ready | Where-Object Service -EQ 'Graph').Audience | Should -Be 'https://graph.microsoft.com'
        ($ready | Where-Object Service -EQ 'Graph').ProbeStatus | Should -Be 200
        ($ready | Where-Object Service -EQ 'Graph').Permissions | Should -Contain 'DelegatedAdminRelationship.ReadWrite.All'
        ($warnings -join "`n") | Should -BeLike '*App+User*'
        Test-DelegatedAdminReadiness -Quiet -WarningAction SilentlyContinue | Should -BeTrue
        # No token in anything it returns.
        $token = Get-DelegatedAdminToken -Scope 'https://graph.microsoft.com/.default' -AsPlainText
        $text = ($ready | ConvertTo-Json -Depth 6) + ($ready | Format-List * | Out-String -Width 500)
        $text | Should -Not -Match ([regex]::Escape($token.AccessToken))
        $text | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
    }

    It 'a user token without MFA is reported, with a warning' {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"userTokensWithoutMfa":true}'
        try {
            Mock -ModuleName DelegatedAdmin -CommandName Start-Process -MockWith { $null = Invoke-TestBrowser -AuthorizeUrl $FilePath }
            Mock -ModuleName DelegatedAdmin -CommandName Write-Host -MockWith { return }
            Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -Interactive
            $warnings = @()
            $partnerCenter = Test-DelegatedAdminReadiness -Service PartnerCenter -WarningVariable warnings -WarningAction SilentlyContinue
            $partnerCenter.Identity | Should -Be 'user'
            $partnerCenter.Mfa | Should -BeFalse
            ($warnings -join "`n") | Should -BeLike '*no MFA*'
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults/clear'
            Connect-Secret
        }
    }

    It 'an opaque brought token: identity unknown, the service refuses it, and -Quiet says $false' {
        Connect-DelegatedAdmin -Endpoint $Url -GraphAccessToken (ConvertTo-SecureString -String 'opaque-token-123' -AsPlainText -Force)
        try {
            $graph = Test-DelegatedAdminReadiness -Service Graph -WarningAction SilentlyContinue
            $graph.Identity | Should -Be 'unknown'
            $graph.Reachable | Should -BeTrue
            $graph.ProbeOk | Should -BeFalse
            $graph.ProbeStatus | Should -Be 401
            $graph.Ready | Should -BeFalse
            Test-DelegatedAdminReadiness -Service Graph -Quiet -WarningAction SilentlyContinue | Should -BeFalse
            ($graph | Format-List * | Out-String) | Should -Not -Match 'opaque-token-123'
        }
        finally {
            Connect-Secret
        }
    }
}
