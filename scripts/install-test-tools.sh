#!/usr/bin/env bash
# Installs what the PowerShell tests need, from NuGet only (the PowerShell Gallery is never used):
#   * PowerShell 7.6.9 as a .NET global tool (~/.dotnet/tools/pwsh), unless that version is already there;
#   * Pester 5.9.1, restored by a throwaway project (<PackageDownload>) into the NuGet packages folder
#     ${NUGET_PACKAGES:-~/.nuget/packages}/pester/5.9.1/tools/Pester.psd1, which tests/powershell/run.sh imports.
# Needs the .NET SDK (dotnet). Called by .ci/run and by the GitHub workflow; safe to run again.
set -euo pipefail

PWSH_VERSION=7.6.9
PESTER_VERSION=5.9.1
PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
TOOLS="$HOME/.dotnet/tools"

command -v dotnet >/dev/null || {
    echo "install-test-tools.sh: the .NET SDK (dotnet) is needed" >&2
    exit 1
}

installed=""
if [ -x "$TOOLS/pwsh" ]; then
    installed="$("$TOOLS/pwsh" -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null || true)"
fi
if [ "$installed" != "$PWSH_VERSION" ]; then
    if [ -n "$installed" ]; then
        dotnet tool update --global PowerShell --version "$PWSH_VERSION"
    else
        dotnet tool install --global PowerShell --version "$PWSH_VERSION"
    fi
fi
echo "pwsh $("$TOOLS/pwsh" -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()') at $TOOLS/pwsh"

pester="$PACKAGES/pester/$PESTER_VERSION/tools/Pester.psd1"
if [ ! -f "$pester" ]; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    cat >"$work/restore-pester.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <DisableImplicitNuGetFallbackFolder>true</DisableImplicitNuGetFallbackFolder>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Pester" Version="[$PESTER_VERSION]" />
  </ItemGroup>
</Project>
PROJECT
    dotnet restore "$work/restore-pester.csproj" --packages "$PACKAGES" --nologo -v quiet
fi
[ -f "$pester" ] || {
    echo "install-test-tools.sh: $pester is missing after the restore" >&2
    exit 1
}
echo "Pester $PESTER_VERSION at $pester"
