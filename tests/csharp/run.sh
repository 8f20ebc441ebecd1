#!/usr/bin/env bash
# Compiles the C# binding (powershell/DelegatedAdmin.Native.cs, unchanged) with tests/csharp/InteropTests.cs
# using Mono's mcs, and runs it against a fresh emulator. Needs: cargo, mcs and mono
# (Debian/Ubuntu: apt-get install -y mono-mcs mono-runtime), curl.
#
#   tests/csharp/run.sh            # builds the workspace first (cargo build --workspace)
#   DA_SKIP_BUILD=1 tests/csharp/run.sh
#
# Everything it writes goes to target/csharp/ (never committed). Exit code: the test program's; 77 (skipped)
# when Mono is missing and CI is not "true".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET_DIR/csharp"

for tool in mcs mono curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        # Outside CI a missing tool skips the suite (run-all counts exit 77 as skipped); CI installs Mono.
        if [ "${CI:-}" = "true" ]; then
            echo "tests/csharp: '$tool' is not installed (Debian/Ubuntu: apt-get install -y mono-mcs mono-runtime curl)" >&2
            exit 1
        fi
        echo "SKIPPED: tests/csharp: '$tool' is not installed (Debian/Ubuntu: apt-get install -y mono-mcs mono-runtime curl)"
        exit 77
    fi
done

if [ -z "${DA_SKIP_BUILD:-}" ]; then
    cargo build --workspace
fi

case "$(uname -s)" in
    Darwin) LIB_NAME=libdelegated_admin.dylib ;;
    *) LIB_NAME=libdelegated_admin.so ;;
esac
LIB="$TARGET_DIR/debug/$LIB_NAME"
EMULATOR="$TARGET_DIR/debug/da-emulator"
for file in "$LIB" "$EMULATOR"; do
    if [ ! -f "$file" ]; then
        echo "tests/csharp: $file is missing; run 'cargo build --workspace'" >&2
        exit 1
    fi
done

mkdir -p "$OUT"
# The library beside the program too (Mono also probes the assembly's folder), besides LD_LIBRARY_PATH.
cp -f "$LIB" "$OUT/$LIB_NAME"

# Start the emulator on a free port; 250 customers so that listing takes three pages of 100.
EMULATOR_LOG="$OUT/emulator.out"
"$EMULATOR" --port 0 --customers 250 >"$EMULATOR_LOG" 2>"$OUT/emulator.err" &
EMULATOR_PID=$!
cleanup() {
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

URL=""
for _ in $(seq 1 300); do
    if [ -s "$EMULATOR_LOG" ]; then
        URL="$(sed -n 's/^listening on \(http[^ ]*\).*$/\1/p' "$EMULATOR_LOG" | head -n 1)"
        [ -n "$URL" ] && break
    fi
    if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
        echo "tests/csharp: the emulator exited:" >&2
        cat "$OUT/emulator.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$URL" ]; then
    echo "tests/csharp: the emulator printed no 'listening on URL' line within 30 s" >&2
    exit 1
fi
echo "emulator listening on $URL"
curl -fsS "$URL/_emulator/fixtures" >"$OUT/fixtures.json"

mcs -langversion:5 -warnaserror+ -nologo -r:System.dll -out:"$OUT/InteropTests.exe" \
    "$ROOT/tests/csharp/InteropTests.cs" "$ROOT/powershell/DelegatedAdmin.Native.cs"

set +e
LD_LIBRARY_PATH="$OUT:$TARGET_DIR/debug${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    DYLD_LIBRARY_PATH="$OUT:$TARGET_DIR/debug" \
    mono --debug "$OUT/InteropTests.exe" "$URL"
STATUS=$?
set -e
exit $STATUS
