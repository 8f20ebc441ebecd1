#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run calls this after installing what it needs):
#   formatting and lints; the Rust unit and integration tests (every operation and error kind against the
#   emulator over loopback HTTP, the cleanup, the header's freshness, the PowerShell module's structure);
#   the C consumer programs (strict gcc, valgrind, AddressSanitizer); the C# interop under Mono; and the
#   Pester tests where pwsh exists (reported as skipped where it does not).
# Prints one line per suite and ends with "suites: N passed, N failed"; exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
failures=()
suite() {
    local name=$1
    shift
    echo "=== $name: $*"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        echo "=== $name: passed in $((SECONDS - start)) s"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "=== $name: FAILED after $((SECONDS - start)) s"
    fi
}

suite "format" cargo fmt --all -- --check
suite "module graph" python3 scripts/check-module-cycles.py
suite "build" cargo build --workspace --all-targets
suite "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
suite "rust tests" cargo test --workspace --no-fail-fast
suite "c consumers" bash tests/c/run.sh
suite "c# interop" bash tests/csharp/run.sh
suite "pester" bash tests/powershell/run.sh

if ((failed > 0)); then
    echo "failed suites: ${failures[*]}"
fi
echo "suites: $passed passed, $failed failed"
((failed == 0))
