#!/usr/bin/env bash
# Run every cargo-fuzz target under fuzz/ for a bounded time and report, per target, the executions run and
# the crashes found. Exits non-zero when any target crashed (or failed to run).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [-j JOBS] [TARGET...]
#
#   SECONDS_PER_TARGET  libFuzzer's -max_total_time for each target (default 60)
#   -j JOBS             targets run at once (default 1; each is one single-threaded libFuzzer process)
#   TARGET...           only these targets (default: all, as `cargo fuzz list` prints them)
#
# Needs the nightly toolchain; installs cargo-fuzz when missing. Seeds come from fuzz/seeds/<target>/
# (tracked); what the fuzzer adds goes to fuzz/corpus/<target>/ and crashes to fuzz/artifacts/<target>/
# (both ignored by git). Logs: fuzz/target/fuzz-logs/<target>.log. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

seconds=60
jobs=1
targets=()
while (($#)); do
    case "$1" in
        -j) jobs=$2; shift ;;
        -j*) jobs=${1#-j} ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        [0-9]*) seconds=$1 ;;
        *) targets+=("$1") ;;
    esac
    shift
done

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz.sh: installing the nightly toolchain (cargo-fuzz needs it)"
    rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

cd "$root/fuzz"
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# -a: debug assertions and overflow checks, as the tests build the library.
echo "fuzz.sh: building ${#targets[@]} targets (cargo +nightly fuzz build -a)"
cargo +nightly fuzz build -a >/dev/null

logs=$root/fuzz/target/fuzz-logs
mkdir -p "$logs"

run_one() {
    local t=$1 seconds=$2 logs=$3
    local dict=()
    case "$t" in
        retry_after|validators) ;;                # header values and identifiers, not JSON
        *) dict=(-dict=dicts/json.dict) ;;
    esac
    mkdir -p "corpus/$t" "seeds/$t" "artifacts/$t"
    # The first directory receives new inputs; the seeds are read only. A hard stop well after the budget
    # guards against a hang libFuzzer itself would not end.
    timeout --kill-after=30 $((seconds + 300)) \
        cargo +nightly fuzz run -a "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="artifacts/$t/" "${dict[@]}" >"$logs/$t.log" 2>&1
    echo $? >"$logs/$t.rc"
}
export -f run_one

echo "fuzz.sh: ${#targets[@]} targets, ${seconds} s each, ${jobs} at a time"
started=$(date +%s)
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$seconds" "$logs"

failed=0
total_execs=0
printf '\n%-42s %12s %10s %8s  %s\n' target executions exec/s crashes artifact
for t in "${targets[@]}"; do
    log=$logs/$t.log
    rc=$(cat "$logs/$t.rc" 2>/dev/null || echo 1)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    if [[ -z "$execs" ]]; then
        # No final stats (killed): the last status line's #N.
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    fi
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/Test unit written to //' || true)
    crashes=0
    if [[ "$rc" != 0 ]]; then
        crashes=1
        failed=1
    fi
    total_execs=$((total_execs + ${execs:-0}))
    printf '%-42s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$crashes" "${artifact:-}"
    if ((crashes)); then
        grep -m1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)" "$log" | sed 's/^/    /' || true
        grep -m1 -A2 "panicked at" "$log" | tail -n +2 | cut -c1-300 | sed 's/^/    /' || true
        [[ -n "$artifact" ]] || echo "    (exit status $rc, no artifact: see $log)"
    fi
done
echo
echo "fuzz.sh: $total_execs executions in $(( $(date +%s) - started )) s; logs in $logs"
if ((failed)); then
    echo "fuzz.sh: CRASHES FOUND: minimise with \`cd fuzz && cargo +nightly fuzz tmin -a TARGET ARTIFACT\`, then add the input to tests/fuzz_regressions.rs"
    exit 1
fi
echo "fuzz.sh: no crashes"
