#!/usr/bin/env bash
# Runs the Pester 5 tests of the DelegatedAdmin module (tests/powershell/*.Tests.ps1) against the emulator and
# target/debug's native library. Needs PowerShell 7 (pwsh); when it is not installed the tests are reported as
# skipped and the script exits 0. Pester 5 is installed for the current user when missing.
#
#   tests/powershell/run.sh            # builds the workspace first (cargo build --workspace)
#   DA_SKIP_BUILD=1 tests/powershell/run.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

if ! command -v pwsh >/dev/null 2>&1; then
    echo "SKIPPED: PowerShell (pwsh) is not installed on this machine; Pester tests in tests/powershell were not run"
    exit 0
fi

if [ -z "${DA_SKIP_BUILD:-}" ]; then
    cargo build --workspace
fi

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
RESULTS="$TARGET_DIR/pester"
mkdir -p "$RESULTS"

# -CI: exit code = number of failed tests, and testResults.xml (written into target/pester, not the repository).
cd "$RESULTS"
exec pwsh -NoLogo -NoProfile -NonInteractive -Command "
    \$ErrorActionPreference = 'Stop'
    \$pester = Get-Module -ListAvailable -Name Pester | Where-Object { \$_.Version -ge [version]'5.0.0' } | Sort-Object Version -Descending | Select-Object -First 1
    if (-not \$pester) {
        Write-Host 'Installing Pester 5 for the current user...'
        Install-Module -Name Pester -MinimumVersion 5.0.0 -Scope CurrentUser -Force -SkipPublisherCheck
    }
    Import-Module -Name Pester -MinimumVersion 5.0.0
    Invoke-Pester -Path '$ROOT/tests/powershell' -CI
"
