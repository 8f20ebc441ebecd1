#!/usr/bin/env bash
# The C consumer tests of libdelegated_admin (see docs/c.md):
#   1. build the workspace (library + emulator) unless SKIP_CARGO_BUILD=1;
#   2. compile tests/c/smoke.c and tests/c/stress.c with gcc -std=c11 -Wall -Wextra -Wpedantic -Werror against
#      include/delegated_admin.h and target/debug/libdelegated_admin.so;
#   3. run, each against a freshly started emulator (so every run sees the seeded state):
#        smoke natively; stress natively (STRESS_THREADS x STRESS_CALLS, default 16 x 200);
#        smoke under valgrind memcheck; stress under valgrind (VG_STRESS_THREADS x VG_STRESS_CALLS, 16 x 20);
#        a leak canary under valgrind (a deliberately leaked envelope must be reported);
#        smoke built with -fsanitize=address,undefined, and the same leak canary under LeakSanitizer
#        (skip both with SKIP_ASAN=1).
# ONLY="smoke stress ..." runs a subset of the steps. Needs gcc, valgrind, curl and python3.
# Exits non-zero when any step fails. Logs go to target/c-tests/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB_DIR="$TARGET_DIR/debug"
EMULATOR="$LIB_DIR/da-emulator"
OUT="$TARGET_DIR/c-tests"
CC="${CC:-gcc}"
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 -I "$ROOT/include")
LDFLAGS=(-L "$LIB_DIR" -Wl,-rpath,"$LIB_DIR" -ldelegated_admin -pthread)
STRESS_THREADS="${STRESS_THREADS:-16}"
STRESS_CALLS="${STRESS_CALLS:-200}"
VG_STRESS_THREADS="${VG_STRESS_THREADS:-16}"
VG_STRESS_CALLS="${VG_STRESS_CALLS:-20}"
# Customers seeded for the smoke test: allPages at top 7 follows 18 pages, and valgrind runs stay quick.
SMOKE_CUSTOMERS="${SMOKE_CUSTOMERS:-120}"

VALGRIND=(valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
          --error-exitcode=99 --suppressions="$ROOT/tests/c/valgrind.supp" --num-callers=40)
# Extra valgrind options, e.g. VALGRIND_EXTRA="--show-leak-kinds=all --gen-suppressions=all" to inspect leaks.
read -r -a VALGRIND_EXTRA_ARR <<<"${VALGRIND_EXTRA:-}"
VALGRIND+=("${VALGRIND_EXTRA_ARR[@]}")

for tool in "$CC" valgrind curl python3; do
    if ! command -v "$tool" >/dev/null; then
        # Outside CI a missing tool skips the suite (run-all counts exit 77 as skipped); CI installs them all.
        if [[ "${CI:-}" == true ]]; then
            echo "tests/c/run.sh needs $tool"
            exit 1
        fi
        echo "SKIPPED: tests/c/run.sh needs $tool, which is not installed (.ci/run installs it)"
        exit 77
    fi
done
mkdir -p "$OUT"
EMU_PID=""
FAILED=()

stop_emulator() {
    if [[ -n "$EMU_PID" ]]; then
        kill "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
        EMU_PID=""
    fi
}
trap stop_emulator EXIT
trap 'stop_emulator; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------
# 1. build
if [[ "${SKIP_CARGO_BUILD:-0}" != 1 ]]; then
    echo "== cargo build --workspace"
    cargo build --workspace
fi
[[ -x "$EMULATOR" ]] || { echo "missing $EMULATOR (cargo build --workspace)"; exit 1; }
[[ -f "$LIB_DIR/libdelegated_admin.so" ]] || { echo "missing $LIB_DIR/libdelegated_admin.so"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# 2. compile
echo "== compile (${CFLAGS[*]})"
"$CC" "${CFLAGS[@]}" -o "$OUT/smoke" tests/c/smoke.c "${LDFLAGS[@]}"
"$CC" "${CFLAGS[@]}" -o "$OUT/stress" tests/c/stress.c "${LDFLAGS[@]}"

# ---------------------------------------------------------------------------------------------------------
# Emulator: start one (args are extra emulator flags), set URL, SMOKE_ARGS and STRESS_ARGS from its fixtures.
start_emulator() {
    stop_emulator
    local log="$OUT/emulator.$1.log"
    shift
    : >"$log"
    "$EMULATOR" --port 0 "$@" >"$log" 2>&1 &
    EMU_PID=$!
    URL=""
    for _ in $(seq 1 300); do
        URL="$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*$/\1/p' "$log" | head -n1)"
        [[ -n "$URL" ]] && break
        kill -0 "$EMU_PID" 2>/dev/null || { echo "emulator exited:"; cat "$log"; exit 1; }
        sleep 0.1
    done
    [[ -n "$URL" ]] || { echo "emulator did not print its URL:"; cat "$log"; exit 1; }
    curl -fsS "$URL/_emulator/fixtures" -o "$OUT/fixtures.json"
    mapfile -t SMOKE_ARGS < <(python3 - "$OUT/fixtures.json" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
sub = fx["subscriptions"][0]
sub_scope = "/subscriptions/" + sub["subscriptionId"]
rg = sub["resourceGroups"][0]
at_sub = [a for a in sub["assignments"] if a["scope"].lower() == sub_scope.lower()]
at_rg = [a for a in sub["assignments"] if a["scope"].lower() == (sub_scope + "/resourceGroups/" + rg).lower()]
rel = fx["relationships"][0]
args = dict(url=fx["url"], tenantId=fx["tenantId"], clientId=fx["clientId"], clientSecret=fx["clientSecret"],
            tenantDomain=fx["tenantDomain"], providerInstanceId=fx["providerInstanceId"],
            customerCount=fx["customerCount"], inactiveCustomerId=fx["inactiveDapCustomerIds"][0],
            relCustomerId=rel["customerId"], relationshipId=rel["relationshipId"],
            subscriptionId=sub["subscriptionId"], resourceGroup=rg, subAssignments=len(at_sub),
            rgAssignments=len(at_rg), deleteAssignmentId=at_sub[0]["id"], deleteAssignmentName=at_sub[1]["name"],
            gdapActiveCount=fx["gdap"]["statusCounts"]["active"], gdapExtendableId=fx["gdap"]["activeAutoExtendable"][0],
            gdapGlobalAdminId=fx["gdap"]["activeGlobalAdmin"][0], gdapExpiredId=fx["gdap"]["expired"][0],
            gdapCustomerId=fx["gdap"]["inactiveDapWithActiveGdap"][0])
for k, v in args.items():
    print(f"{k}={v}")
PY
)
    mapfile -t STRESS_ARGS < <(python3 - "$OUT/fixtures.json" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
subs = fx["subscriptions"]
# Stress lists the first subscription and deletes the assignments of the others (deletes race on purpose).
assignments = [a["id"] for s in subs[1:] for a in s["assignments"]] or [a["id"] for a in subs[0]["assignments"]]
args = dict(url=fx["url"], tenantId=fx["tenantId"], clientId=fx["clientId"], clientSecret=fx["clientSecret"],
            tenantDomain=fx["tenantDomain"], providerInstanceId=fx["providerInstanceId"],
            subscriptionId=subs[0]["subscriptionId"],
            inactiveCustomerIds=",".join(fx["inactiveDapCustomerIds"]),
            relationships=",".join(r["customerId"] + ":" + r["relationshipId"] for r in fx["relationships"]),
            assignmentIds=",".join(assignments))
for k, v in args.items():
    print(f"{k}={v}")
PY
)
    [[ ${#SMOKE_ARGS[@]} -gt 10 && ${#STRESS_ARGS[@]} -gt 5 ]] || { echo "cannot read the fixtures"; exit 1; }
    echo "   emulator pid $EMU_PID at $URL ${*:-}"
}

# Run one step: name, then the command. Keeps going after a failure; prints the summary lines.
step() {
    local name="$1"
    shift
    local log="$OUT/$name.log"
    echo "== $name (${1##*/}${2:+ ${2%% *}}; full log $log)"
    local rc=0
    "$@" >"$log" 2>&1 || rc=$?
    grep -E '^(FAIL|[0-9]+ passed, [0-9]+ failed)|ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|in use at exit| suppressed: [0-9,]+ bytes|Invalid (read|write|free)|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer|runtime error' "$log" \
        | sed 's/^==[0-9]*== /   /; s/^/   /' || true
    if [[ $rc -ne 0 ]]; then
        echo "   -> $name FAILED (exit $rc); log: $log"
        FAILED+=("$name")
    else
        echo "   -> $name ok (log: $log)"
    fi
}

# ---------------------------------------------------------------------------------------------------------
# 3. run (ONLY="smoke stress-valgrind ..." runs a subset of the steps)
want() { [[ -z "${ONLY:-}" || " $ONLY " == *" $1 "* ]]; }

if want smoke; then
    start_emulator smoke --customers "$SMOKE_CUSTOMERS"
    step smoke "$OUT/smoke" "${SMOKE_ARGS[@]}"
fi
if want stress; then
    start_emulator stress
    step stress "$OUT/stress" "${STRESS_ARGS[@]}" threads="$STRESS_THREADS" calls="$STRESS_CALLS"
fi
if want smoke-valgrind; then
    start_emulator smoke-valgrind --customers "$SMOKE_CUSTOMERS"
    step smoke-valgrind "${VALGRIND[@]}" "$OUT/smoke" "${SMOKE_ARGS[@]}"
fi
if want stress-valgrind; then
    start_emulator stress-valgrind
    step stress-valgrind "${VALGRIND[@]}" "$OUT/stress" "${STRESS_ARGS[@]}" threads="$VG_STRESS_THREADS" \
        calls="$VG_STRESS_CALLS"
fi
# Negative control: a deliberately leaked envelope must make valgrind fail (exit 99, "definitely lost"), so a
# clean run above means the library's allocations are really being tracked.
expect_leak() {
    local name="$1" rc=0
    shift
    echo "== $name (must report the deliberate leak)"
    "$@" >"$OUT/$name.log" 2>&1 || rc=$?
    grep -E 'definitely lost:|ERROR SUMMARY|SUMMARY: AddressSanitizer: [0-9]+ byte' "$OUT/$name.log" | sed 's/^==[0-9]*== /   /' || true
    if [[ $rc -eq 0 ]] || ! grep -qE 'definitely lost: [1-9]|LeakSanitizer: detected memory leaks' "$OUT/$name.log"; then
        echo "   -> $name FAILED: the leak went unnoticed (exit $rc); log: $OUT/$name.log"
        FAILED+=("$name")
    else
        echo "   -> $name ok: leak detected (exit $rc)"
    fi
}
if want valgrind-canary; then
    expect_leak valgrind-canary "${VALGRIND[@]}" "$OUT/smoke" canary=leak
fi

if want smoke-asan && [[ "${SKIP_ASAN:-0}" != 1 ]]; then
    "$CC" "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -o "$OUT/smoke-asan" tests/c/smoke.c \
        "${LDFLAGS[@]}"
    start_emulator smoke-asan --customers "$SMOKE_CUSTOMERS"
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        step smoke-asan "$OUT/smoke-asan" "${SMOKE_ARGS[@]}"
    ASAN_OPTIONS="detect_leaks=1" expect_leak asan-canary "$OUT/smoke-asan" canary=leak
fi
stop_emulator

if [[ ${#FAILED[@]} -ne 0 ]]; then
    echo "C tests FAILED: ${FAILED[*]}"
    exit 1
fi
echo "C tests passed"
