#Requires -Version 5.1
# Pester 5 tests of the module PACKAGE (scripts/package-module.sh): the folder, its manifest and FileList, the zip
# and the two .nupkg files; importing it by name from a clean session and running the main job; installing it
# with Install-PSResource from a private (folder) feed; import failures that must be clear (a missing, broken or
# foreign native library, also on re-import); and Windows PowerShell 5.1 syntax in the module and its help.
Set-StrictMode -Version Latest

BeforeDiscovery {
    # Broken native libraries are built with gcc, for Linux: elsewhere those cases are skipped (and say so).
    $onLinux = [bool](Get-Variable -Name 'IsLinux' -ValueOnly -ErrorAction SilentlyContinue)
    $CanBuildFixtures = $onLinux -and $null -ne (Get-Command -Name gcc -CommandType Application -ErrorAction SilentlyContinue)
    $HasPSResourceGet = $null -ne (Get-Module -ListAvailable -Name Microsoft.PowerShell.PSResourceGet)
}

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    $ModuleBase = Split-Path -Parent $ModuleManifest
    $Dist = Split-Path -Parent (Split-Path -Parent $ModuleBase)
    $Version = Split-Path -Leaf $ModuleBase
    $Platform = Get-TestPlatform
    $Shell = Get-TestShellPath

    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem

    function Get-ZipEntryName {
        param([string] $Path)
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            @($zip.Entries | Where-Object { -not $_.FullName.EndsWith('/') } | ForEach-Object { $_.FullName })
        }
        finally {
            $zip.Dispose()
        }
    }

    function Get-ZipEntryText {
        param([string] $Path, [string] $Name)
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $entry = $zip.GetEntry($Name)
            $reader = New-Object -TypeName System.IO.StreamReader -ArgumentList $entry.Open()
            try {
                $reader.ReadToEnd()
            }
            finally {
                $reader.Dispose()
            }
        }
        finally {
            $zip.Dispose()
        }
    }
}

Describe 'The module package' {
    It 'has a manifest that passes Test-ModuleManifest, for Desktop and Core, with tags, project and license' {
        $tested = Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop
        $tested.Name | Should -Be 'DelegatedAdmin'
        $tested.Version.ToString() | Should -Be $Version
        $data = Import-PowerShellDataFile -Path $ModuleManifest
        @($data.CompatiblePSEditions | Sort-Object) | Should -Be @('Core', 'Desktop')
        $data.PowerShellVersion | Should -Be '5.1'
        $psData = $data.PrivateData.PSData
        foreach ($tag in @('PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS', 'PartnerCenter')) {
            $psData.Tags | Should -Contain $tag
        }
        $psData.ProjectUri | Should -Match '^https://'
        $psData.LicenseUri | Should -Match '^https://'
        [uri]$psData.ProjectUri | Should -Not -BeNullOrEmpty
    }

    It 'carries the version of Cargo.toml, which the native library reports too' {
        $cargo = Get-Content -LiteralPath (Join-Path -Path $RepoRoot -ChildPath 'Cargo.toml') -Raw
        $cargo -match '(?ms)^\[package\].*?^version\s*=\s*"([^"]+)"' | Should -BeTrue
        $Version | Should -Be $Matches[1]
        (Import-PowerShellDataFile -Path (Join-Path -Path $RepoRoot -ChildPath 'powershell/DelegatedAdmin.psd1')).ModuleVersion | Should -Be $Version
    }

    It 'lists in FileList exactly the files of its folder' {
        $data = Import-PowerShellDataFile -Path $ModuleManifest
        $listed = @($data.FileList | ForEach-Object { ([string]$_).Replace('\', '/') } | Sort-Object)
        $onDisk = @(Get-ChildItem -LiteralPath $ModuleBase -Recurse -File | ForEach-Object {
                $_.FullName.Substring($ModuleBase.Length + 1).Replace('\', '/')
            } | Sort-Object)
        $listed.Count | Should -BeGreaterThan 10
        $listed | Should -Be $onDisk
        # What must be there.
        $listed | Should -Contain 'DelegatedAdmin.psm1'
        $listed | Should -Contain 'DelegatedAdmin.Format.ps1xml'
        $listed | Should -Contain ('bin/DelegatedAdmin.Interop.V{0}.dll' -f $Version.Replace('.', '_'))
        @($listed | Where-Object { $_ -like 'runtimes/*/native/*' }).Count | Should -BeGreaterThan 0
        @($listed | Where-Object { $_ -like 'Public/*.ps1' }).Count | Should -Be @($data.FunctionsToExport).Count
        # The C# source is not shipped: the module loads the compiled assembly (no Add-Type, no compiler at import).
        $listed | Should -Not -Contain 'DelegatedAdmin.Native.cs'
    }

    It 'has the native library of this platform under runtimes, in rid/native folders' {
        $libraries = @(Get-ChildItem -LiteralPath (Join-Path -Path $ModuleBase -ChildPath 'runtimes') -Recurse -File)
        @($libraries | Where-Object { $_.Name -eq $Platform.Library }).Count | Should -BeGreaterThan 0
        foreach ($library in $libraries) {
            $library.Directory.Name | Should -Be 'native'
            $library.Directory.Parent.Name | Should -Match '^(win|linux|osx)-(x64|x86|arm64)$'
        }
    }

    It 'zips the folder with DelegatedAdmin/ at the root, as Azure Automation imports it' {
        $zipPath = Join-Path -Path $Dist -ChildPath "DelegatedAdmin-$Version.zip"
        Test-Path -LiteralPath $zipPath | Should -BeTrue
        $entries = @(Get-ZipEntryName -Path $zipPath | Sort-Object)
        $expected = @((Import-PowerShellDataFile -Path $ModuleManifest).FileList | ForEach-Object { 'DelegatedAdmin/' + ([string]$_).Replace('\', '/') } | Sort-Object)
        $entries | Should -Be $expected
    }

    It 'packs the module as a .nupkg that Install-PSResource reads: files at the root, PSModule tags' {
        $nupkg = Join-Path -Path $Dist -ChildPath "DelegatedAdmin.$Version.nupkg"
        Test-Path -LiteralPath $nupkg | Should -BeTrue
        $entries = @(Get-ZipEntryName -Path $nupkg)
        foreach ($file in (Import-PowerShellDataFile -Path $ModuleManifest).FileList) {
            $entries | Should -Contain ([string]$file).Replace('\', '/')
        }
        [xml]$nuspec = Get-ZipEntryText -Path $nupkg -Name 'DelegatedAdmin.nuspec'
        $nuspec.package.metadata.id | Should -Be 'DelegatedAdmin'
        $nuspec.package.metadata.version | Should -Be $Version
        $tags = ([string]$nuspec.package.metadata.tags).Split(' ')
        $tags | Should -Contain 'PSModule'
        $tags | Should -Contain 'PSFunction_Get-DelegatedAdminCustomer'
        $tags | Should -Contain 'PSEdition_Core'
    }

    It 'packs the C# package DelegatedAdmin.Native with the netstandard2.0 assembly and the native library' {
        $nupkg = Join-Path -Path $Dist -ChildPath "DelegatedAdmin.Native.$Version.nupkg"
        Test-Path -LiteralPath $nupkg | Should -BeTrue
        $entries = @(Get-ZipEntryName -Path $nupkg)
        $entries | Should -Contain 'lib/netstandard2.0/DelegatedAdmin.Native.dll'
        @($entries | Where-Object { $_ -like "runtimes/*/native/$($Platform.Library)" }).Count | Should -Be 1
        [xml]$nuspec = Get-ZipEntryText -Path $nupkg -Name 'DelegatedAdmin.Native.nuspec'
        $nuspec.package.metadata.version | Should -Be $Version
    }

    It 'imports by name from a clean session whose PSModulePath points at dist/, and runs the main job (examples/demo.ps1)' {
        $modulePath = $Dist
        if (-not [string]::IsNullOrEmpty($env:PSModulePath)) {
            # Windows PowerShell 5.1 needs its own module folders (Microsoft.PowerShell.Utility and the like).
            $modulePath = $Dist + [System.IO.Path]::PathSeparator + (($env:PSModulePath.Split([System.IO.Path]::PathSeparator) | Where-Object { $_ -like "$PSHOME*" -or $_ -like '*WindowsPowerShell*v1.0*' }) -join [System.IO.Path]::PathSeparator)
        }
        $script = @'
$ErrorActionPreference = 'Stop'
& (Join-Path -Path $args[0] -ChildPath 'examples/demo.ps1') -Customers 40 -EmulatorPath $args[1]
"imported from: $((Get-Module -Name DelegatedAdmin).ModuleBase)"
'@
        $run = Invoke-ChildShell -Script $script -Environment @{ PSModulePath = $modulePath } -Arguments @($RepoRoot, (Get-TestEmulatorPath))
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match ('imported from: ' + [regex]::Escape($ModuleBase))
        $run.Output | Should -Match '2\. Listed 40 delegated admin customers'
        $run.Output | Should -Match '5\. Applied the plan: \d+ removed, 0 failed'
        $run.Output | Should -Match '6\. GDAP \(Microsoft Graph\): \d+ active relationships end within 60 days'
        $run.Output | Should -Match "7\. Turned on auto-extend for GDAP relationship '[^']+': P180D"
        $run.Output | Should -Match '10\. Removed Lighthouse assignment \S+: deleted'
    }

    It 'installs with Install-PSResource from a private feed (a folder), and the installed module works' -Skip:(-not $HasPSResourceGet) {
        $feed = Join-Path -Path $TestDrive -ChildPath 'feed'
        $homeDir = Join-Path -Path $TestDrive -ChildPath 'home'
        $null = New-Item -ItemType Directory -Force -Path $feed, $homeDir
        Copy-Item -LiteralPath (Join-Path -Path $Dist -ChildPath "DelegatedAdmin.$Version.nupkg") -Destination $feed
        $script = @'
$ErrorActionPreference = 'Stop'
$feed = $args[0]
# Only this folder: nothing is asked of the PowerShell Gallery.
Register-PSResourceRepository -Name DelegatedAdminLocal -Uri $feed -Trusted
Install-PSResource -Name DelegatedAdmin -Repository DelegatedAdminLocal -Scope CurrentUser -TrustRepository -Quiet
Import-Module -Name DelegatedAdmin
$module = Get-Module -Name DelegatedAdmin
"installed: $($module.Version) at $($module.ModuleBase)"
"library: $((Get-Command -Module DelegatedAdmin).Count) commands"
'@
        $environment = @{
            HOME            = $homeDir
            USERPROFILE     = $homeDir
            XDG_DATA_HOME   = (Join-Path -Path $homeDir -ChildPath '.local/share')
            XDG_CONFIG_HOME = (Join-Path -Path $homeDir -ChildPath '.config')
            XDG_CACHE_HOME  = (Join-Path -Path $homeDir -ChildPath '.cache')
            LOCALAPPDATA    = (Join-Path -Path $homeDir -ChildPath 'AppData/Local')
            APPDATA         = (Join-Path -Path $homeDir -ChildPath 'AppData/Roaming')
        }
        # .NET reads a data folder that does not exist yet as none at all (and PSResourceGet then writes to the
        # working folder): create them.
        foreach ($folder in $environment.Values) {
            $null = New-Item -ItemType Directory -Force -Path $folder
        }
        $run = Invoke-ChildShell -Script $script -Environment $environment -Arguments @($feed)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match ("installed: {0} at {1}" -f [regex]::Escape($Version), [regex]::Escape($TestDrive))
        # Every function the manifest exports, as installed.
        $exported = @((Import-PowerShellDataFile -Path $ModuleManifest).FunctionsToExport).Count
        $exported | Should -BeGreaterThan 10
        $run.Output | Should -Match ('library: {0} commands' -f $exported)
        Test-Path -LiteralPath (Join-Path -Path $TestDrive -ChildPath 'PSResourceGet') | Should -BeFalse
    }
}

Describe 'Import fails clearly when the native library cannot be used, also on re-import' {
    BeforeAll {
        $gcc = Get-Command -Name gcc -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        $Fixtures = Join-Path -Path $TestDrive -ChildPath 'native-fixtures'
        $null = New-Item -ItemType Directory -Force -Path $Fixtures

        # A copy of the package whose library is replaced by $Library (or removed); then two imports in one child
        # session, each reported as JSON {ok, id, category, message}.
        function Test-BrokenImport {
            param([string] $Case, [string] $Library, [switch] $RemoveLibrary, [switch] $RemoveInterop)
            $copy = Join-Path -Path (Join-Path -Path $TestDrive -ChildPath $Case) -ChildPath "DelegatedAdmin/$Version"
            $null = New-Item -ItemType Directory -Force -Path $copy
            Copy-Item -Path (Join-Path -Path $ModuleBase -ChildPath '*') -Destination $copy -Recurse -Force
            $target = @(Get-ChildItem -LiteralPath (Join-Path -Path $copy -ChildPath 'runtimes') -Recurse -File | Where-Object { $_.Name -eq $Platform.Library })[0].FullName
            if ($RemoveLibrary) {
                Remove-Item -LiteralPath $target -Force
            }
            elseif (-not [string]::IsNullOrEmpty($Library)) {
                Copy-Item -LiteralPath $Library -Destination $target -Force
            }
            if ($RemoveInterop) {
                Remove-Item -Path (Join-Path -Path $copy -ChildPath 'bin/*.dll') -Force
            }
            $script = @'
$results = foreach ($attempt in 1, 2) {
    try {
        Import-Module -Name $args[0] -Force -ErrorAction Stop
        [pscustomobject]@{ ok = $true; id = ''; category = ''; message = '' }
    }
    catch {
        [pscustomobject]@{ ok = $false; id = $_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category; message = $_.Exception.Message }
    }
}
'RESULT:' + (ConvertTo-Json -InputObject @($results) -Compress)
'@
            $run = Invoke-ChildShell -Script $script -Arguments @((Join-Path -Path $copy -ChildPath 'DelegatedAdmin.psd1'))
            $line = @($run.Output -split "`n" | Where-Object { $_ -like 'RESULT:*' })
            if ($line.Count -ne 1) {
                throw "The child session printed no result: $($run.Output)"
            }
            $parsed = $line[0].Substring(7) | ConvertFrom-Json
            [pscustomobject]@{ Path = $target; First = @($parsed)[0]; Second = @($parsed)[1] }
        }

        function New-FixtureLibrary {
            param([string] $Name, [string] $Source, [string[]] $Extra = @())
            $c = Join-Path -Path $Fixtures -ChildPath "$Name.c"
            $so = Join-Path -Path $Fixtures -ChildPath "$Name.so"
            [System.IO.File]::WriteAllText($c, $Source)
            & $gcc.Source -shared -fPIC -o $so $c @Extra
            if ($LASTEXITCODE -ne 0) {
                throw "gcc failed for $Name"
            }
            return $so
        }
    }

    It 'names the path it tried when the library is missing' {
        $result = Test-BrokenImport -Case 'missing' -RemoveLibrary
        foreach ($attempt in @($result.First, $result.Second)) {
            $attempt.ok | Should -BeFalse
            $attempt.id | Should -BeLike 'DelegatedAdmin.LibraryNotFound*'
            $attempt.category | Should -Be 'ObjectNotFound'
            $attempt.message | Should -BeLike ('*' + $result.Path + '*')
            $attempt.message | Should -BeLike '*DELEGATED_ADMIN_LIBRARY*'
        }
    }

    It 'says the interop assembly is missing from an incomplete module folder' {
        $result = Test-BrokenImport -Case 'no-interop' -RemoveInterop
        foreach ($attempt in @($result.First, $result.Second)) {
            $attempt.ok | Should -BeFalse
            $attempt.id | Should -BeLike 'DelegatedAdmin.InteropMissing*'
            $attempt.message | Should -BeLike '*bin*DelegatedAdmin.Interop.V*.dll*'
        }
    }

    It 'says "missing dependency" when the file exists but a library it needs does not' -Skip:(-not $CanBuildFixtures) {
        $dependency = New-FixtureLibrary -Name 'libdafixturedep' -Source 'int da_fixture_dependency(void) { return 1; }'
        $library = New-FixtureLibrary -Name 'needs-dependency' -Source 'extern int da_fixture_dependency(void); const char *da_version(void) { return da_fixture_dependency() ? "0.0.1" : 0; }' -Extra @("-L$Fixtures", '-ldafixturedep')
        Remove-Item -LiteralPath $dependency -Force
        $result = Test-BrokenImport -Case 'missing-dependency' -Library $library
        foreach ($attempt in @($result.First, $result.Second)) {
            $attempt.ok | Should -BeFalse
            $attempt.id | Should -BeLike 'DelegatedAdmin.LibraryLoadFailed*'
            $attempt.category | Should -Be 'ResourceUnavailable'
            $attempt.message | Should -BeLike '*exists but could not be loaded: a missing dependency*'
            $attempt.message | Should -BeLike '*libdafixturedep.so*'
            $attempt.message | Should -BeLike ('*' + $result.Path + '*')
        }
    }

    It 'says the file is not a loadable library when it is not one' {
        $garbage = Join-Path -Path $Fixtures -ChildPath 'garbage.bin'
        [System.IO.File]::WriteAllText($garbage, 'this is not a shared library, just text pretending to be one')
        $result = Test-BrokenImport -Case 'garbage' -Library $garbage
        foreach ($attempt in @($result.First, $result.Second)) {
            $attempt.ok | Should -BeFalse
            $attempt.id | Should -BeLike 'DelegatedAdmin.LibraryLoadFailed*'
            $attempt.message | Should -BeLike '*is not a loadable library for this process*'
        }
    }

    It 'fails when the library has no da_version (another library)' -Skip:(-not $CanBuildFixtures) {
        $library = New-FixtureLibrary -Name 'no-version' -Source 'int something_else(void) { return 42; }'
        $result = Test-BrokenImport -Case 'no-version' -Library $library
        foreach ($attempt in @($result.First, $result.Second)) {
            $attempt.ok | Should -BeFalse
            $attempt.id | Should -BeLike 'DelegatedAdmin.LibraryVersionFailed*'
            $attempt.message | Should -BeLike '*does not export da_version*'
        }
    }

    It 'fails when da_version answers nothing' -Skip:(-not $CanBuildFixtures) {
        $library = New-FixtureLibrary -Name 'null-version' -Source 'const char *da_version(void) { return 0; }'
        $result = Test-BrokenImport -Case 'null-version' -Library $library
        foreach ($attempt in @($result.First, $result.Second)) {
            $attempt.ok | Should -BeFalse
            $attempt.id | Should -BeLike 'DelegatedAdmin.LibraryVersionFailed*'
            $attempt.message | Should -BeLike '*returned no version*'
        }
    }

    It 'imports the intact package twice in a fresh session' {
        $result = Test-BrokenImport -Case 'intact'
        $result.First.ok | Should -BeTrue -Because $result.First.message
        $result.Second.ok | Should -BeTrue -Because $result.Second.message
    }
}

Describe 'Windows PowerShell 5.1 compatibility' {
    BeforeAll {
        # PowerShell 7-only syntax and commands, found in a parsed script: a list of findings.
        function Find-PowerShell7Only {
            param([System.Management.Automation.Language.Ast] $Ast)
            $findings = New-Object -TypeName System.Collections.Generic.List[string]
            $nodes = $Ast.FindAll({ $true }, $true)
            foreach ($node in $nodes) {
                $typeName = $node.GetType().Name
                if ($typeName -in @('TernaryExpressionAst', 'PipelineChainAst')) {
                    $findings.Add(('{0} at line {1}' -f $typeName, $node.Extent.StartLineNumber))
                }
                if ($node -is [System.Management.Automation.Language.BinaryExpressionAst] -and [string]$node.Operator -eq 'QuestionQuestion') {
                    $findings.Add(('?? at line {0}' -f $node.Extent.StartLineNumber))
                }
                if ($node -is [System.Management.Automation.Language.AssignmentStatementAst] -and [string]$node.Operator -eq 'QuestionQuestionEquals') {
                    $findings.Add(('??= at line {0}' -f $node.Extent.StartLineNumber))
                }
                if ($node -is [System.Management.Automation.Language.MemberExpressionAst] -and $null -ne $node.PSObject.Properties['NullConditional'] -and $node.NullConditional) {
                    $findings.Add(('?. at line {0}' -f $node.Extent.StartLineNumber))
                }
                if ($node -is [System.Management.Automation.Language.IndexExpressionAst] -and $null -ne $node.PSObject.Properties['NullConditional'] -and $node.NullConditional) {
                    $findings.Add(('?[ at line {0}' -f $node.Extent.StartLineNumber))
                }
                if ($node -is [System.Management.Automation.Language.NamedBlockAst] -and [string]$node.BlockKind -eq 'Clean') {
                    $findings.Add(('clean block at line {0}' -f $node.Extent.StartLineNumber))
                }
                if ($node -is [System.Management.Automation.Language.CommandAst]) {
                    $name = $node.GetCommandName()
                    $parameters = @($node.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
                    if ($name -in @('ForEach-Object', '%', 'foreach') -and $parameters -contains 'Parallel') {
                        $findings.Add(('ForEach-Object -Parallel at line {0}' -f $node.Extent.StartLineNumber))
                    }
                    if ($name -eq 'ConvertFrom-SecureString' -and $parameters -contains 'AsPlainText') {
                        $findings.Add(('ConvertFrom-SecureString -AsPlainText at line {0}' -f $node.Extent.StartLineNumber))
                    }
                    if ($name -in @('Start-ThreadJob', 'Get-Error', 'Test-Json', 'ConvertFrom-Markdown', 'Join-String')) {
                        $findings.Add(('{0} at line {1}' -f $name, $node.Extent.StartLineNumber))
                    }
                }
            }
            return $findings.ToArray()
        }

        function Get-ParsedScript {
            param([string] $Text, [string] $Name)
            $tokens = $null
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref]$tokens, [ref]$errors)
            if (@($errors).Count -gt 0) {
                throw ('{0} does not parse: {1}' -f $Name, (@($errors | ForEach-Object { $_.Message }) -join '; '))
            }
            return $ast
        }
    }

    It 'the packaged module uses no PowerShell 7-only syntax or command' {
        $problems = New-Object -TypeName System.Collections.Generic.List[string]
        $files = @(Get-ChildItem -LiteralPath $ModuleBase -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1')
        $files.Count | Should -BeGreaterThan 20
        foreach ($file in $files) {
            $ast = Get-ParsedScript -Text ([System.IO.File]::ReadAllText($file.FullName)) -Name $file.Name
            foreach ($finding in (Find-PowerShell7Only -Ast $ast)) {
                # Comment-based help is not code; Find-PowerShell7Only sees only code.
                $problems.Add(('{0}: {1}' -f $file.Name, $finding))
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'every help example runs on 5.1, except those that say they need PowerShell 7' {
        Import-Module -Name $ModuleManifest -Force -ErrorAction Stop
        $problems = New-Object -TypeName System.Collections.Generic.List[string]
        $checked = 0
        foreach ($command in @(Get-Command -Module DelegatedAdmin)) {
            $help = Get-Help -Name $command.Name -Full
            $index = 0
            foreach ($example in @($help.Examples.Example)) {
                $index++
                $remarks = (@($example.remarks | ForEach-Object { $_.Text }) -join ' ')
                if ($remarks -match 'PowerShell 7') {
                    continue
                }
                $checked++
                $name = '{0} example {1}' -f $command.Name, $index
                $ast = Get-ParsedScript -Text ([string]$example.code) -Name $name
                foreach ($finding in (Find-PowerShell7Only -Ast $ast)) {
                    $problems.Add(('{0}: {1}' -f $name, $finding))
                }
            }
        }
        $checked | Should -BeGreaterThan 20
        $problems | Should -BeNullOrEmpty
    }

    It 'the checks find what they look for (negative samples)' {
        $samples = @(
            '$a = $b ? 1 : 2'
            'Get-Thing && Get-Other'
            '$a = $b ?? 3'
            '$a ??= 3'
            '${a}?.Name'
            '1..3 | ForEach-Object -Parallel { $_ }'
            '$s | ConvertFrom-SecureString -AsPlainText'
        )
        if ($PSVersionTable.PSVersion.Major -ge 7) {
            foreach ($sample in $samples) {
                $ast = Get-ParsedScript -Text $sample -Name 'sample'
                @(Find-PowerShell7Only -Ast $ast).Count | Should -BeGreaterThan 0 -Because $sample
            }
        }
        @(Find-PowerShell7Only -Ast (Get-ParsedScript -Text 'Get-Thing | Where-Object { $_ }' -Name 'ok')).Count | Should -Be 0
    }
}
