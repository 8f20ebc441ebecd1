#Requires -Version 7.0
<#
.SYNOPSIS
Builds the packages of delegated-admin from built native libraries: the PowerShell module folder, its zip, its
.nupkg, and the C# package DelegatedAdmin.Native.<version>.nupkg.

.DESCRIPTION
Called by scripts/package-module.sh (which builds or gathers the native libraries first); the same script runs in
.ci/run and in the GitHub workflow. Writes, under -OutDir (default dist/):

  DelegatedAdmin/<version>/            the module as installed: manifest (FileList filled in), psm1, Public/,
                                       Private/, the format file, bin/DelegatedAdmin.Interop.V<version>.dll (the
                                       interop compiled for netstandard2.0, its namespace carrying the version) and
                                       runtimes/<rid>/native/<library> for every platform in -NativeDir
  DelegatedAdmin-<version>.zip         DelegatedAdmin/ at its root: what Azure Automation imports
  DelegatedAdmin.<version>.nupkg       what Install-PSResource takes from a private feed (a folder or a NuGet server)
  DelegatedAdmin.Native.<version>.nupkg  the C# package: DelegatedAdmin.Native.dll (netstandard2.0) and
                                       runtimes/<rid>/native/<library>

The manifest is checked with Test-ModuleManifest. Needs the .NET SDK (dotnet) and NuGet (NETStandard.Library for
the netstandard2.0 build).

.PARAMETER NativeDir
A folder holding <rid>/native/<library> for each platform to package (linux-x64/native/libdelegated_admin.so,
win-x64/native/delegated_admin.dll, osx-arm64/native/libdelegated_admin.dylib, ...).

.PARAMETER OutDir
Where the packages go (default: dist/ of the repository).

.PARAMETER WorkDir
Scratch space for the builds (default: target/package/ of the repository).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $NativeDir,

    [Parameter()]
    [string] $OutDir,

    [Parameter()]
    [string] $WorkDir
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '..')).ProviderPath
if ([string]::IsNullOrEmpty($OutDir)) {
    $OutDir = Join-Path -Path $root -ChildPath 'dist'
}
if ([string]::IsNullOrEmpty($WorkDir)) {
    $WorkDir = Join-Path -Path $root -ChildPath 'target/package'
}
$OutDir = [System.IO.Path]::GetFullPath($OutDir)
$WorkDir = [System.IO.Path]::GetFullPath($WorkDir)
$NativeDir = (Resolve-Path -LiteralPath $NativeDir).ProviderPath

function Invoke-Tool {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE"
    }
}

# 1. The version: Cargo.toml's, which the manifest must carry too.
$cargo = Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'Cargo.toml') -Raw
if ($cargo -notmatch '(?ms)^\[package\].*?^version\s*=\s*"([^"]+)"') {
    throw 'Cargo.toml has no [package] version'
}
$version = $Matches[1]
$sourceModule = Join-Path -Path $root -ChildPath 'powershell'
$sourceManifest = Join-Path -Path $sourceModule -ChildPath 'DelegatedAdmin.psd1'
$manifestData = Import-PowerShellDataFile -LiteralPath $sourceManifest
if ($manifestData.ModuleVersion -ne $version) {
    throw "powershell/DelegatedAdmin.psd1 says ModuleVersion $($manifestData.ModuleVersion), Cargo.toml ${version}: make them equal"
}
$versionTag = 'V' + $version.Replace('.', '_')

# 2. The native libraries, by runtime identifier.
$libraryNames = @{ win = 'delegated_admin.dll'; linux = 'libdelegated_admin.so'; osx = 'libdelegated_admin.dylib' }
$natives = @()
foreach ($ridFolder in @(Get-ChildItem -LiteralPath $NativeDir -Directory | Sort-Object -Property Name)) {
    $rid = $ridFolder.Name
    $os = $rid.Split('-')[0]
    if (-not $libraryNames.ContainsKey($os)) {
        throw "$($ridFolder.FullName): '$rid' is not a runtime identifier (win-*, linux-*, osx-*)"
    }
    $file = Join-Path -Path (Join-Path -Path $ridFolder.FullName -ChildPath 'native') -ChildPath $libraryNames[$os]
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) {
        throw "$file is missing: $NativeDir/$rid must hold native/$($libraryNames[$os])"
    }
    $natives += [pscustomobject]@{ Rid = $rid; File = $file }
}
if ($natives.Count -eq 0) {
    throw "$NativeDir holds no <rid>/native/<library>"
}
Write-Host ("delegated-admin {0}: packaging for {1}" -f $version, (($natives | ForEach-Object Rid) -join ', '))

$null = New-Item -ItemType Directory -Force -Path $OutDir, $WorkDir

# 3. The module folder.
$moduleBase = Join-Path -Path (Join-Path -Path $OutDir -ChildPath 'DelegatedAdmin') -ChildPath $version
if (Test-Path -LiteralPath $moduleBase) {
    Remove-Item -LiteralPath $moduleBase -Recurse -Force
}
$null = New-Item -ItemType Directory -Force -Path $moduleBase
foreach ($item in @('DelegatedAdmin.psm1', 'DelegatedAdmin.Format.ps1xml', 'Public', 'Private')) {
    Copy-Item -LiteralPath (Join-Path -Path $sourceModule -ChildPath $item) -Destination $moduleBase -Recurse
}
foreach ($native in $natives) {
    $target = Join-Path -Path (Join-Path -Path (Join-Path -Path $moduleBase -ChildPath 'runtimes') -ChildPath $native.Rid) -ChildPath 'native'
    $null = New-Item -ItemType Directory -Force -Path $target
    Copy-Item -LiteralPath $native.File -Destination $target
}

# 4. The module's interop assembly: DelegatedAdmin.Native.cs with a namespace that carries the version, so that
#    an updated module never binds the type an older one loaded into the same session.
$interopWork = Join-Path -Path $WorkDir -ChildPath 'module-interop'
$null = New-Item -ItemType Directory -Force -Path $interopWork
$source = [System.IO.File]::ReadAllText((Join-Path -Path $sourceModule -ChildPath 'DelegatedAdmin.Native.cs'))
$namespaceLine = 'namespace DelegatedAdmin.Interop' + "`n"
$normalized = $source.Replace("`r`n", "`n")
if (-not $normalized.Contains($namespaceLine)) {
    throw "powershell/DelegatedAdmin.Native.cs has no line 'namespace DelegatedAdmin.Interop'"
}
$versionedSource = Join-Path -Path $interopWork -ChildPath 'DelegatedAdmin.Native.cs'
[System.IO.File]::WriteAllText($versionedSource, $normalized.Replace($namespaceLine, ('namespace DelegatedAdmin.Interop.{0}' -f $versionTag) + "`n"), [System.Text.UTF8Encoding]::new($false))
$interopProject = Join-Path -Path $root -ChildPath 'interop/DelegatedAdmin.Native.csproj'
$assemblyName = 'DelegatedAdmin.Interop.{0}' -f $versionTag
$interopOut = Join-Path -Path $interopWork -ChildPath 'bin'
Invoke-Tool dotnet @('build', $interopProject, '--nologo', '-v', 'quiet', '-c', 'Release', '-o', $interopOut,
    "-p:InteropSource=$versionedSource", "-p:AssemblyName=$assemblyName", "-p:DelegatedAdminVersion=$version",
    "-p:BaseIntermediateOutputPath=$interopWork/obj/", "-p:MSBuildProjectExtensionsPath=$interopWork/obj/")
$binDir = Join-Path -Path $moduleBase -ChildPath 'bin'
$null = New-Item -ItemType Directory -Force -Path $binDir
Copy-Item -LiteralPath (Join-Path -Path $interopOut -ChildPath "$assemblyName.dll") -Destination $binDir

# 5. The manifest, with the FileList of exactly what the folder holds.
$manifestPath = Join-Path -Path $moduleBase -ChildPath 'DelegatedAdmin.psd1'
$files = @(Get-ChildItem -LiteralPath $moduleBase -Recurse -File | ForEach-Object {
        [System.IO.Path]::GetRelativePath($moduleBase, $_.FullName).Replace('\', '/')
    }) + @('DelegatedAdmin.psd1') | Sort-Object -Unique -CaseSensitive
$fileList = "FileList             = @(`n" + (($files | ForEach-Object { "        '$_'" }) -join "`n") + "`n    )"
$manifestText = [System.IO.File]::ReadAllText($sourceManifest)
if ($manifestText -notmatch 'FileList\s*=\s*@\(\)') {
    throw 'powershell/DelegatedAdmin.psd1 has no "FileList = @()" to fill in'
}
$manifestText = [regex]::Replace($manifestText, 'FileList\s*=\s*@\(\)', $fileList.Replace('$', '$$'))
[System.IO.File]::WriteAllText($manifestPath, $manifestText, [System.Text.UTF8Encoding]::new($true))
$tested = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
if ($tested.Version.ToString() -ne $version) {
    throw "Test-ModuleManifest reads version $($tested.Version), expected $version"
}

# 6. The zip: DelegatedAdmin/ at its root (Azure Automation imports that), forward slashes inside.
$zipPath = Join-Path -Path $OutDir -ChildPath "DelegatedAdmin-$version.zip"
if (Test-Path -LiteralPath $zipPath) {
    Remove-Item -LiteralPath $zipPath -Force
}
Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
$zip = [System.IO.Compression.ZipFile]::Open($zipPath, [System.IO.Compression.ZipArchiveMode]::Create)
try {
    foreach ($file in $files) {
        $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, (Join-Path -Path $moduleBase -ChildPath $file), "DelegatedAdmin/$file", [System.IO.Compression.CompressionLevel]::Optimal)
    }
}
finally {
    $zip.Dispose()
}

# 7. The module's .nupkg, laid out as Publish-PSResource lays it out (the module files at the package root, the
#    PSModule and PSFunction_* tags that Find-PSResource and Install-PSResource read).
$packWork = Join-Path -Path $WorkDir -ChildPath 'module-nupkg'
if (Test-Path -LiteralPath $packWork) {
    Remove-Item -LiteralPath $packWork -Recurse -Force
}
$null = New-Item -ItemType Directory -Force -Path $packWork
$data = Import-PowerShellDataFile -LiteralPath $manifestPath
$psData = $data.PrivateData.PSData
$tags = @('PSModule') + @($psData.Tags) + @($data.FunctionsToExport | ForEach-Object { "PSFunction_$_"; "PSCommand_$_" })
$escape = { param($text) [System.Security.SecurityElement]::Escape([string]$text) }
$nuspec = @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>DelegatedAdmin</id>
    <version>$version</version>
    <authors>$(& $escape $data.Author)</authors>
    <owners>$(& $escape $data.CompanyName)</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <license type="expression">MIT</license>
    <projectUrl>$(& $escape $psData.ProjectUri)</projectUrl>
    <description>$(& $escape $data.Description)</description>
    <releaseNotes>$(& $escape $psData.ReleaseNotes)</releaseNotes>
    <copyright>$(& $escape $data.Copyright)</copyright>
    <tags>$(& $escape ($tags -join ' '))</tags>
  </metadata>
</package>
"@
[System.IO.File]::WriteAllText((Join-Path -Path $packWork -ChildPath 'DelegatedAdmin.nuspec'), $nuspec, [System.Text.UTF8Encoding]::new($false))
$packProject = @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <IncludeBuildOutput>false</IncludeBuildOutput>
    <NoBuild>true</NoBuild>
    <NuspecFile>DelegatedAdmin.nuspec</NuspecFile>
    <NuspecBasePath>$moduleBase</NuspecBasePath>
    <NoWarn>NU5100;NU5110;NU5111;NU5128</NoWarn>
  </PropertyGroup>
</Project>
"@
[System.IO.File]::WriteAllText((Join-Path -Path $packWork -ChildPath 'DelegatedAdmin.Module.csproj'), $packProject, [System.Text.UTF8Encoding]::new($false))
# Without <files>, a nuspec packs every file under NuspecBasePath, at the package root.
$moduleNupkg = Join-Path -Path $OutDir -ChildPath "DelegatedAdmin.$version.nupkg"
if (Test-Path -LiteralPath $moduleNupkg) {
    Remove-Item -LiteralPath $moduleNupkg -Force
}
Invoke-Tool dotnet @('pack', (Join-Path -Path $packWork -ChildPath 'DelegatedAdmin.Module.csproj'), '--nologo', '-v', 'quiet', '-o', $OutDir)

# 8. The C# package, with the same native libraries.
$nativeStage = Join-Path -Path $WorkDir -ChildPath 'csharp-native'
if (Test-Path -LiteralPath $nativeStage) {
    Remove-Item -LiteralPath $nativeStage -Recurse -Force
}
foreach ($native in $natives) {
    $target = Join-Path -Path (Join-Path -Path $nativeStage -ChildPath $native.Rid) -ChildPath 'native'
    $null = New-Item -ItemType Directory -Force -Path $target
    Copy-Item -LiteralPath $native.File -Destination $target
}
$csharpNupkg = Join-Path -Path $OutDir -ChildPath "DelegatedAdmin.Native.$version.nupkg"
if (Test-Path -LiteralPath $csharpNupkg) {
    Remove-Item -LiteralPath $csharpNupkg -Force
}
Invoke-Tool dotnet @('pack', $interopProject, '--nologo', '-v', 'quiet', '-c', 'Release', '-o', $OutDir,
    "-p:DelegatedAdminVersion=$version", "-p:NativeDir=$nativeStage",
    "-p:BaseIntermediateOutputPath=$WorkDir/csharp-obj/", "-p:MSBuildProjectExtensionsPath=$WorkDir/csharp-obj/",
    "-p:OutputPath=$WorkDir/csharp-bin/")

foreach ($output in @($moduleBase, $zipPath, $moduleNupkg, $csharpNupkg)) {
    $size = 0
    if (Test-Path -LiteralPath $output -PathType Container) {
        $size = (Get-ChildItem -LiteralPath $output -Recurse -File | Measure-Object -Property Length -Sum).Sum
    }
    else {
        $size = (Get-Item -LiteralPath $output).Length
    }
    Write-Host ('  {0} ({1:N1} MB)' -f [System.IO.Path]::GetRelativePath($root, $output), ($size / 1MB))
}
