#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run calls this after installing what it needs):
#   formatting and lints; the Rust unit and integration tests (every operation and error kind against the
#   emulator over loopback HTTP, the cleanup, the jobs, the header's freshness, the docs' function lists, the
#   PowerShell module's structure); the C consumer programs (strict gcc, valgrind, AddressSanitizer); the C# source
#   compiled as C# 5 under Mono; the packages (scripts/package-module.sh: the module folder, its zip and .nupkg,
#   the C# package); the Pester suite against the packaged module; and the xunit tests of the C# package.
# Prints one line per suite and ends with "suites: N passed, N failed, N skipped"; exits non-zero if any failed.
# A suite that cannot run here (a tool missing outside CI) exits 77 and is counted as skipped, never as passed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
skipped=0
failures=()
skips=()
suite() {
    local name=$1
    shift
    echo "=== $name: $*"
    local start=$SECONDS
    "$@"
    local status=$?
    if ((status == 0)); then
        passed=$((passed + 1))
        echo "=== $name: passed in $((SECONDS - start)) s"
    elif ((status == 77)); then
        skipped=$((skipped + 1))
        skips+=("$name")
        echo "=== $name: SKIPPED (see the reason above)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "=== $name: FAILED (exit $status) after $((SECONDS - start)) s"
    fi
}

suite "format" cargo fmt --all -- --check
suite "module graph" python3 scripts/check-module-cycles.py
suite "build" cargo build --workspace --all-targets
suite "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
suite "rust tests" cargo test --workspace --no-fail-fast
suite "c consumers" bash tests/c/run.sh
suite "c# source (mono, C# 5)" bash tests/csharp/run.sh
# The packages need PowerShell 7 and the .NET SDK (scripts/install-test-tools.sh, which .ci/run calls).
packages() {
    local pwsh
    pwsh="$(command -v pwsh || true)"
    [ -z "$pwsh" ] && [ -x "$HOME/.dotnet/tools/pwsh" ] && pwsh="$HOME/.dotnet/tools/pwsh"
    if [ -z "$pwsh" ] || ! command -v dotnet >/dev/null; then
        if [ "${CI:-}" = "true" ]; then
            echo "packages: pwsh and dotnet are needed (scripts/install-test-tools.sh)"
            return 1
        fi
        echo "SKIPPED: packaging needs pwsh and the .NET SDK (bash scripts/install-test-tools.sh installs pwsh)"
        return 77
    fi
    bash scripts/package-module.sh --debug --no-build
}
suite "packages" packages
suite "pester (packaged module)" env DA_SKIP_BUILD=1 DA_SKIP_PACKAGE=1 bash tests/powershell/run.sh
suite "c# package (dotnet test)" env DA_SKIP_BUILD=1 DA_SKIP_PACKAGE=1 bash tests/csharp-package/run.sh

if ((failed > 0)); then
    echo "failed suites: ${failures[*]}"
fi
if ((skipped > 0)); then
    echo "skipped suites: ${skips[*]}"
fi
echo "suites: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
