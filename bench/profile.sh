#!/usr/bin/env bash
# bench/profile.sh — where the gateway's CPU time goes, for one workload.
#
#   bench/profile.sh hello       wrk -c32 on the hello component
#   bench/profile.sh lookup      wrk -c32 on valuation lookups (the 5,000-dwelling demo register)
#   bench/profile.sh reassess    one re-assessment of Luoyang's 621,400 dwellings
#                                (loads the full register first: about a minute)
#
# Uses the artifacts in target/ (run bench/load.sh or bench/valuation-full.sh once to
# build them). Starts the release gateway on 127.0.0.1 with YINGSHANG_PERFMAP=1, so
# that perf names the guest's compiled functions, records it with `perf record -g`
# (499 Hz) while the load runs, then prints: the server's CPU time per request (or per
# dwelling), the share of each binary (gateway, guest code, kernel, libc) and the top
# symbols. Installs perf (apt, linux-perf) and wrk when missing. DURATION (s, default
# 10), CONNECTIONS (default 32), PORT (default 39400), TOP (symbols listed, default 40).
# Everything it starts is stopped on exit; the recording is left in the temp dir
# only with KEEP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WHAT=${1:-}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-39400}
TOP=${TOP:-40}
KEEP=${KEEP:-0}
GATEWAY="$ROOT/target/release/yingshang"
BASE="http://127.0.0.1:$PORT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/yingshang-profile.XXXXXX")
GW_PID=""

cleanup() {
    if [[ -n "$GW_PID" ]]; then
        kill -TERM "$GW_PID" 2>/dev/null || true
        wait "$GW_PID" 2>/dev/null || true
        rm -f "/tmp/perf-$GW_PID.map"
    fi
    if ((KEEP)); then echo "kept: $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '>> %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

case "$WHAT" in
    hello | lookup | reassess) ;;
    *) fail "usage: bench/profile.sh hello|lookup|reassess" ;;
esac
[[ -x "$GATEWAY" ]] || fail "no release gateway in target/: run bench/load.sh once"
if ! command -v perf >/dev/null; then
    log "installing perf"
    apt-get update -qq >/dev/null && apt-get install -y -qq linux-perf >/dev/null
fi
if ! command -v wrk >/dev/null; then
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

start_gateway() {
    env RUST_LOG=warn YINGSHANG_PERFMAP=1 "$GATEWAY" up -f "$1" --no-build --no-schedules \
        --state-dir "$TMP/state" --listen "127.0.0.1:$PORT" \
        --admin-listen "127.0.0.1:$((PORT + 1))" >"$TMP/gateway.out" 2>&1 &
    GW_PID=$!
    for _ in $(seq 600); do
        curl -fsS -o /dev/null --max-time 1 "$BASE/.well-known/spin/health" 2>/dev/null && return 0
        kill -0 "$GW_PID" 2>/dev/null || fail "gateway died: $(tail -5 "$TMP/gateway.out")"
        sleep 0.1
    done
    fail "gateway did not become healthy"
}

# The gateway's user+system CPU time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$GW_PID/stat"; }

post() {
    curl -fsS --max-time 120 -X POST -H "authorization: Bearer $KEY" \
        ${2:+-H "content-type: application/json" --data "$2"} "$BASE$1"
}
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# Runs "$@" (the load) while perf records the gateway; sets WORK_DONE from its output
# through the function named by $COUNT.
record() {
    perf record -F 499 -g -p "$GW_PID" -o "$TMP/perf.data" 2>"$TMP/perf.err" &
    local perf_pid=$! t0 t1
    sleep 0.5
    t0=$(cpu_ticks)
    "$@" >"$TMP/load.out"
    t1=$(cpu_ticks)
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    CPU_S=$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')
}

wrk_load() { wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$@"; }

case "$WHAT" in
    hello)
        cat >"$TMP/hello.toml" <<EOF
spin_manifest_version = 2
[application]
name = "profile-hello"
[[trigger.http]]
route = "/..."
component = "hello"
[component.hello]
source = "$ROOT/target/wasm32-wasip2/wasm/tc_hello.wasm"
EOF
        start_gateway "$TMP/hello.toml"
        wrk -t1 -c"$CONNECTIONS" -d2s "$BASE/" >/dev/null
        record wrk_load "$BASE/"
        UNITS=$(awk '/ requests in / {print $1}' "$TMP/load.out")
        UNIT=request
        ;;
    lookup)
        start_gateway "$ROOT/spin.toml"
        KEY=$("$GATEWAY" dev key --state-dir "$TMP/state")
        TOKEN=$("$GATEWAY" dev token --role citizen --state-dir "$TMP/state")
        post /api/valuation/demo-data >/dev/null
        python3 - "$TMP/state/sqlite_db.db" "$TOKEN" >"$TMP/lookup.lua" <<'EOF'
import sqlite3, sys
codes = [c for (c,) in sqlite3.connect(sys.argv[1]).execute(
    "SELECT unit_code FROM dwellings ORDER BY unit_code LIMIT 500")]
print('local codes = {' + ','.join('"%s"' % c for c in codes) + '}')
print('local i = 0')
print('wrk.headers["authorization"] = "Bearer %s"' % sys.argv[2])
print('function request() i = i % #codes + 1; return wrk.format("GET", "/api/valuation/units/" .. codes[i]) end')
EOF
        wrk -t1 -c"$CONNECTIONS" -d2s -s "$TMP/lookup.lua" "$BASE/" >/dev/null
        record wrk_load -s "$TMP/lookup.lua" "$BASE/"
        UNITS=$(awk '/ requests in / {print $1}' "$TMP/load.out")
        UNIT=request
        ;;
    reassess)
        start_gateway "$ROOT/spin.toml"
        KEY=$("$GATEWAY" dev key --state-dir "$TMP/state")
        log "loading the full register (621,400 dwellings)"
        path="/api/valuation/demo-data?scale=full&chunk=0"
        while [[ -n "$path" && "$path" != None ]]; do path=$(post "$path" | field next); done
        # One process drives the run (bench/drive_reassessment.py); prints `processed`.
        run() {
            python3 "$ROOT/bench/drive_reassessment.py" "$BASE" "$KEY" 10000 1 410300 | awk '{print $2}'
        }
        log "re-assessing (a first run warms the caches and grows the file; the second is recorded)"
        run >/dev/null
        t0=$(date +%s%N)
        record run
        log "recorded run: $(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s wall"
        UNITS=$(cat "$TMP/load.out")
        UNIT=dwelling
        ;;
esac

echo "## Profile: $WHAT ($(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) vCPU, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "Gateway CPU: $CPU_S s for $UNITS ${UNIT}s = $(awk -v c="$CPU_S" -v n="$UNITS" 'BEGIN { printf "%.1f", (n > 0 ? c * 1e6 / n : 0) }') µs per $UNIT."
echo
echo "Share by binary (JIT = the guest's compiled code):"
echo
perf report -i "$TMP/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | head -8 | sed 's/^ */    /'
echo
echo "Top $TOP symbols (self time):"
echo
perf report -i "$TMP/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | head -"$TOP" | sed 's/^ */    /'
