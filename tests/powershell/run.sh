#!/usr/bin/env bash
# Runs the whole Pester suite (tests/powershell/*.Tests.ps1) against the module AS PACKAGED
# (dist/DelegatedAdmin/<version>, built by scripts/package-module.sh --debug) and the emulator of target/debug.
#
#   tests/powershell/run.sh                         # cargo build --workspace, package, test
#   DA_SKIP_BUILD=1 DA_SKIP_PACKAGE=1 tests/powershell/run.sh
#   PWSH=/path/to/pwsh tests/powershell/run.sh      # another PowerShell 7
#
# PowerShell 7 comes from ~/.dotnet/tools or PATH, Pester 5.9.1 from the NuGet packages folder
# (${NUGET_PACKAGES:-~/.nuget/packages}/pester/5.9.1), both installed by scripts/install-test-tools.sh; the
# PowerShell Gallery is never used. Exit codes: 0 every test passed; 1 a test failed or something is missing;
# 77 skipped, only when pwsh is not installed and CI is not "true" (under CI a missing pwsh is a failure).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PWSH="${PWSH:-$(command -v pwsh || true)}"
if [ -z "$PWSH" ] && [ -x "$HOME/.dotnet/tools/pwsh" ]; then
    PWSH="$HOME/.dotnet/tools/pwsh"
fi
if [ -z "$PWSH" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: PowerShell (pwsh) is not installed; CI installs it with scripts/install-test-tools.sh (.ci/run)" >&2
        exit 1
    fi
    echo "SKIPPED: PowerShell (pwsh) is not installed on this machine (bash scripts/install-test-tools.sh installs it); the Pester tests were not run"
    exit 77
fi

PESTER="${PESTER_MODULE:-${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/5.9.1/tools/Pester.psd1}"
if [ ! -f "$PESTER" ]; then
    echo "FAILED: Pester 5.9.1 is not at $PESTER; run bash scripts/install-test-tools.sh (it restores it from NuGet)" >&2
    exit 1
fi

if [ -z "${DA_SKIP_BUILD:-}" ]; then
    cargo build --workspace || exit 1
fi
if [ -z "${DA_SKIP_PACKAGE:-}" ]; then
    bash scripts/package-module.sh --debug --no-build || exit 1
fi

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VERSION="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)"
exec "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$ROOT/tests/powershell/Invoke-Tests.ps1" \
    -PesterPath "$PESTER" \
    -ModuleManifest "$ROOT/dist/DelegatedAdmin/$VERSION/DelegatedAdmin.psd1" \
    -EmulatorPath "$TARGET_DIR/debug/da-emulator" \
    -ResultsPath "$TARGET_DIR/pester/testResults.xml"
