#!/usr/bin/env bash
# bench/load.sh — the gateway's load benchmark, side by side in one run.
#
# Builds release binaries, starts each server on 127.0.0.1, drives it with wrk and
# prints one table: requests/s, p50, p99, errors and peak memory (VmHWM), each the
# median of RUNS runs, with ratios to `wasmtime serve` and to a native hyper server
# measured in the same run. Then start-up times (with and without the compiled-code
# cache, and the first request to each component) and the latency at half of the
# gateway's peak rate. The valuation and meter rows run once on SQLite and once on
# PostgreSQL (a throwaway cluster, bench/pg_cluster.sh; Debian's `postgresql`).
# The real Spin (4.1, `../shared/tools/spin/`, or SPIN=/path/to/spin) runs the same
# manifests and `.wasm` files beside the gateway: hello, the valuation lookup and
# the meter webhook (one reading, and batches of METER_BATCH), SQLite on both (Spin:
# the migrations applied with `--sqlite @file`, the same secrets and demo data), and
# the two servers' runs alternate (gateway, Spin, gateway, …) so that both see the
# same machine; each gateway row shows its ratio to Spin.
# Every server it starts is stopped on exit (trap).
#
#   bench/load.sh            full run (installs wrk and wasmtime-cli 48.0.8 if missing)
#   bench/load.sh --smoke    1 run of 1 s per row; skips rows whose tools are missing
#
# Environment: DURATION (s per run, default 10), RUNS (default 3), CONNECTIONS
# (default 32), THREADS (wrk threads, default 1), PORT_BASE (default 39100), ROWS
# (`hello`: only the hello rows, half-peak latency and start-up; `backends`: only
# the valuation and meter rows, each on SQLite and on PostgreSQL; `meter` or
# `valuation`: only that function's rows on SQLite, beside Spin; default all);
# meter row (bench/loadgen): METER_CONNECTIONS (default 16, 16 meters each) and
# METER_RATE (open-loop readings/s, default 2000); METER_BATCH (readings per
# signed request in the batch rows, default 16; 64 meters per connection there, as
# a socket can only plausibly meter so much per second); SPIN (the `spin` binary;
# default: unpacked from ../shared/tools/spin/spin.xz; `none` skips the Spin rows).
# Exits 1 if a meter row's billing check fails.
# Loopback only; bounded: about (2 + RUNS * DURATION) s per row plus builds.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SMOKE=0
if [[ "${1:-}" == "--smoke" ]]; then SMOKE=1; fi
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT_BASE=${PORT_BASE:-39100}
# ROWS=hello: only the hello rows, the gateway at half of its peak and start-up.
ROWS=${ROWS:-all}
WARMUP=2
if ((SMOKE)); then DURATION=1; RUNS=1; WARMUP=1; fi
WASMTIME_VERSION=48.0.8
# The crate of the meter webhook function, once it exists.
METER_CRATE=${METER_CRATE:-meter-billing}
# The meter row: closed-loop connections (16 meters each) and the open-loop rate.
METER_CONNECTIONS=${METER_CONNECTIONS:-16}
METER_RATE=${METER_RATE:-2000}
METER_BATCH=${METER_BATCH:-16}
METER_FAILED=0
SPIN=${SPIN:-}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/yingshang-load.XXXXXX")
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
    pg_stop
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

source "$ROOT/bench/pg_cluster.sh"

log() { printf '>> %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools and builds
ensure_tools() {
    if ! command -v wrk >/dev/null; then
        log "installing wrk"
        apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
    fi
    WASMTIME=$(command -v wasmtime || true)
    [[ -z "$WASMTIME" && -x "$HOME/.cargo/bin/wasmtime" ]] && WASMTIME="$HOME/.cargo/bin/wasmtime"
    if [[ -n "$WASMTIME" ]] && "$WASMTIME" --version | grep -q " $WASMTIME_VERSION"; then
        return
    fi
    if [[ "$ROWS" != all && "$ROWS" != hello ]]; then WASMTIME=""; return; fi
    if ((SMOKE)); then
        log "wasmtime $WASMTIME_VERSION missing: its row is skipped in a smoke run"
        WASMTIME=""
        return
    fi
    log "installing wasmtime-cli $WASMTIME_VERSION (takes many minutes)"
    cargo install wasmtime-cli --version "$WASMTIME_VERSION" --locked
    WASMTIME="$HOME/.cargo/bin/wasmtime"
}

# ensure_spin: $SPIN is the real Spin's binary, or empty when there is none.
ensure_spin() {
    if [[ "$SPIN" == none ]]; then SPIN=""; return; fi
    if [[ -n "$SPIN" ]]; then return; fi
    local packed="$ROOT/../shared/tools/spin/spin.xz"
    if [[ -f "$packed" ]] && command -v xz >/dev/null; then
        xz -dc "$packed" >"$TMP/spin" && chmod +x "$TMP/spin" && SPIN="$TMP/spin"
        log "spin: $("$SPIN" --version)"
    else
        log "no Spin binary (../shared/tools/spin/spin.xz or SPIN=…): the Spin rows are skipped"
    fi
}

build() {
    cd "$ROOT"
    log "building release binaries and components"
    cargo build --release -p yingshang-gateway -p native-hello
    cargo build --target wasm32-wasip2 --profile wasm -p tc-hello
    GATEWAY="$ROOT/target/release/yingshang"
    NATIVE="$ROOT/target/release/native-hello"
    HELLO_WASM="$ROOT/target/wasm32-wasip2/wasm/tc_hello.wasm"
    VALUATION_OK=0
    if [[ -f functions/valuation/Cargo.toml ]] &&
        cargo build --target wasm32-wasip2 --profile wasm -p valuation; then
        VALUATION_OK=1
    fi
    METER_OK=0
    if [[ -f "functions/$METER_CRATE/Cargo.toml" ]] &&
        cargo build --target wasm32-wasip2 --profile wasm -p "$METER_CRATE"; then
        METER_OK=1
    fi
    # The meter row's driver: every reading must be signed at send time.
    LOADGEN=""
    if ((METER_OK)) && cargo build --release -p yingshang-loadgen; then
        LOADGEN="$ROOT/target/release/loadgen"
    fi
}

# ---------------------------------------------------------------- servers
# start NAME CMD...: runs CMD in the background, remembers its pid in $PID.
start() {
    local name=$1
    shift
    "$@" >"$TMP/$name.out" 2>&1 &
    PID=$!
    PIDS+=("$PID")
}

stop() {
    local pid=$1 p keep=()
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do [[ "$p" == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

now_ns() { date +%s%N; }

# wait_ok URL PID: polls until URL answers 200; fails if PID dies or after 120 s.
wait_ok() {
    local url=$1 pid=$2
    for _ in $(seq 12000); do
        if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || { log "server died: $(tail -n 5 "$TMP"/*.out)"; return 1; }
        sleep 0.01
    done
    log "timed out waiting for $url"
    return 1
}

peak_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

hello_manifest() {
    cat >"$TMP/hello.toml" <<EOF
spin_manifest_version = 2
[application]
name = "bench-hello"
[[trigger.http]]
route = "/..."
component = "hello"
[component.hello]
source = "$HELLO_WASM"
EOF
}

# gateway NAME MANIFEST STATE PORT [extra args]: starts `yingshang up`.
gateway() {
    local name=$1 manifest=$2 state=$3 port=$4
    shift 4
    start "$name" env RUST_LOG=warn "$GATEWAY" up -f "$manifest" --no-build --no-schedules \
        --state-dir "$state" --listen "127.0.0.1:$port" \
        --admin-listen "127.0.0.1:$((port + 1))" "$@"
}

# spin_app DIR MANIFEST: a copy of the application for Spin in DIR (Spin keeps its
# state in DIR/.spin): the manifest, the built components where it names them, the
# migrations and the pages its `files` mount.
spin_app() {
    local dir=$1 manifest=$2
    mkdir -p "$dir/target/wasm32-wasip2"
    cp "$manifest" "$dir/spin.toml"
    cp -r "$ROOT/target/wasm32-wasip2/wasm" "$dir/target/wasm32-wasip2/"
    cp -r "$ROOT/infra" "$dir/infra"
    if [[ -d "$ROOT/web/dist" ]]; then mkdir -p "$dir/web" && cp -r "$ROOT/web/dist" "$dir/web/dist"; fi
}

# spin_up NAME DIR PORT [STATE]: starts the real Spin on DIR's manifest, each
# migration applied with `--sqlite @file`, the secrets of the gateway's STATE folder
# given as SPIN_VARIABLE_* (so that tokens and keys made for the gateway work on Spin
# too), plus the payment channel's secret from $CHANNEL when set.
spin_up() {
    local name=$1 dir=$2 port=$3 state=${4:-} m args=() envs=()
    if grep -q '^sqlite_databases' "$dir/spin.toml"; then
        for m in "$dir"/infra/migrations/sqlite/*.sql; do args+=(--sqlite "@${m#"$dir"/}"); done
    fi
    if [[ -n "$state" ]]; then
        mapfile -t envs < <(python3 -c '
import sys, tomllib
for k, v in tomllib.load(open(sys.argv[1], "rb")).items():
    print(f"SPIN_VARIABLE_{k.upper()}={v}")' "$state/secrets.toml")
    fi
    if [[ -n "${CHANNEL:-}" ]]; then envs+=("SPIN_VARIABLE_PAYMENT_CHANNEL_SECRET=$CHANNEL"); fi
    start "$name" env -C "$dir" "${envs[@]}" RUST_LOG=warn "$SPIN" up --listen "127.0.0.1:$port" "${args[@]}"
}

# ---------------------------------------------------------------- measuring
to_ms() { # wrk prints 812.00us, 1.23ms, 2.00s
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else printf "nan" }'
}

median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print "nan"; else print a[int((NR + 1) / 2)] }'; }

# wrk_once URL CONNS DURATION [LUA]: one run; prints "rps p50ms p99ms errors".
wrk_once() {
    local url=$1 conns=$2 dur=$3 lua=${4:-} out
    out=$(wrk -t"$THREADS" -c"$conns" -d"${dur}s" --latency ${lua:+-s "$lua"} "$url")
    local rps p50 p99 non2xx sock
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
    echo "$rps $p50 $p99 $((${non2xx:-0} + ${sock:-0}))"
}

# measure LABEL PID URL [LUA]: warm-up, RUNS runs, medians; appends a row to $TMP/rows.
measure() {
    local label=$1 pid=$2 url=$3 lua=${4:-} i
    log "measuring: $label"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" ${lua:+-s "$lua"} "$url" >/dev/null
    : >"$TMP/runs"
    for i in $(seq "$RUNS"); do wrk_once "$url" "$CONNECTIONS" "$DURATION" "$lua" >>"$TMP/runs"; done
    local rps p50 p99 err
    rps=$(awk '{print $1}' "$TMP/runs" | median)
    p50=$(awk '{print $2}' "$TMP/runs" | median)
    p99=$(awk '{print $3}' "$TMP/runs" | median)
    err=$(awk '{print $4}' "$TMP/runs" | median)
    printf '%s|%s|%s|%s|%s|%s\n' "$label" "$rps" "$p50" "$p99" "$err" "$(peak_mib "$pid")" >>"$TMP/rows"
}

# measure_pair LUA LABEL_A PID_A URL_A LABEL_B PID_B URL_B: as `measure`, for two
# servers whose runs alternate (A, B, A, B, …) after a warm-up of each.
measure_pair() {
    local lua=$1 la=$2 pa=$3 ua=$4 lb=$5 pb=$6 ub=$7 i f l p
    log "measuring, alternating: $la / $lb"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" ${lua:+-s "$lua"} "$ua" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" ${lua:+-s "$lua"} "$ub" >/dev/null
    : >"$TMP/runs-a"
    : >"$TMP/runs-b"
    for i in $(seq "$RUNS"); do
        wrk_once "$ua" "$CONNECTIONS" "$DURATION" "$lua" >>"$TMP/runs-a"
        wrk_once "$ub" "$CONNECTIONS" "$DURATION" "$lua" >>"$TMP/runs-b"
    done
    for f in a b; do
        if [[ $f == a ]]; then l=$la p=$pa; else l=$lb p=$pb; fi
        printf '%s|%s|%s|%s|%s|%s\n' "$l" "$(awk '{print $1}' "$TMP/runs-$f" | median)" \
            "$(awk '{print $2}' "$TMP/runs-$f" | median)" "$(awk '{print $3}' "$TMP/runs-$f" | median)" \
            "$(awk '{print $4}' "$TMP/runs-$f" | median)" "$(peak_mib "$p")" >>"$TMP/rows"
    done
}

unavailable() { printf '%s|-|-|-|-|-|%s\n' "$1" "$2" >>"$TMP/rows"; }

# ---------------------------------------------------------------- rows
row_native() {
    local port=$((PORT_BASE + 10))
    start native "$NATIVE" "127.0.0.1:$port"
    local pid=$PID
    wait_ok "http://127.0.0.1:$port/" "$pid"
    measure "hello: native hyper" "$pid" "http://127.0.0.1:$port/"
    stop "$pid"
}

row_wasmtime() {
    if [[ -z "$WASMTIME" ]]; then unavailable "hello: wasmtime serve" "not installed"; return; fi
    local port=$((PORT_BASE + 20))
    start wasmtime "$WASMTIME" serve -Scli -Sp3 -Wcomponent-model-async \
        --addr "127.0.0.1:$port" "$HELLO_WASM"
    local pid=$PID
    wait_ok "http://127.0.0.1:$port/" "$pid"
    measure "hello: wasmtime serve" "$pid" "http://127.0.0.1:$port/"
    stop "$pid"
}

row_gateway_hello() {
    local port=$((PORT_BASE + 30))
    gateway gw-hello "$TMP/hello.toml" "$TMP/state-hello" "$port"
    local pid=$PID
    wait_ok "http://127.0.0.1:$port/" "$pid"
    if [[ -n "$SPIN" ]]; then
        spin_app "$TMP/spin-hello" "$TMP/hello.toml"
        spin_up spin-hello "$TMP/spin-hello" "$((port + 5))"
        local spid=$PID
        wait_ok "http://127.0.0.1:$((port + 5))/" "$spid"
        measure_pair "" "hello: yingshang gateway" "$pid" "http://127.0.0.1:$port/" \
            "hello: spin 4.1" "$spid" "http://127.0.0.1:$((port + 5))/"
        stop "$spid"
    else
        measure "hello: yingshang gateway" "$pid" "http://127.0.0.1:$port/"
    fi
    # Latency at half of the peak rate. Open loop (bench/loadgen --rate): requests
    # leave at fixed intervals whatever the answers do, and latency counts from the
    # intended send time, so a stall shows in p99 instead of slowing the load down.
    local peak half
    peak=$(awk -F'|' '$1 == "hello: yingshang gateway" {print $2}' "$TMP/rows")
    half=$(awk -v r="$peak" 'BEGIN { printf "%.0f", r / 2 }')
    if [[ -z "${LOADGEN:-}" ]] && cargo build --release -p yingshang-loadgen >&2; then
        LOADGEN="$ROOT/target/release/loadgen"
    fi
    : >"$TMP/half"
    if [[ -n "${LOADGEN:-}" ]]; then
        echo / >"$TMP/hello.paths"
        for _ in $(seq "$RUNS"); do
            "$LOADGEN" get --url "http://127.0.0.1:$port" --paths "$TMP/hello.paths" \
                --connections "$CONNECTIONS" --rate "$half" --warmup "$WARMUP" \
                --duration "$DURATION" 2>/dev/null | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print(r["rps"], r["p50_ms"], r["p99_ms"], r["errors"])' >>"$TMP/half" || log "a paced run failed"
        done
        HALF_HOW="open loop (bench/loadgen --rate $half, $CONNECTIONS connections)"
    else
        # wrk cannot pace: each connection pauses 2 ms after each answer, so its
        # cycle is the pause plus the answer. A calibration run scales the number
        # of connections to the rate it reached.
        local conns got
        conns=$(awk -v r="$half" 'BEGIN { c = int(r * 2 / 1000 + 0.5); print (c < 1 ? 1 : c) }')
        echo 'function delay() return 2 end' >"$TMP/paced.lua"
        got=$(wrk_once "http://127.0.0.1:$port/" "$conns" "$WARMUP" "$TMP/paced.lua" | awk '{print $1}')
        conns=$(awk -v c="$conns" -v r="$half" -v g="$got" 'BEGIN { n = (g > 0) ? int(c * r / g + 0.5) : c; print (n < 1 ? 1 : n) }')
        for _ in $(seq "$RUNS"); do
            wrk_once "http://127.0.0.1:$port/" "$conns" "$DURATION" "$TMP/paced.lua" >>"$TMP/half"
        done
        HALF_HOW="closed loop (wrk, $conns connections, 2 ms pause after each answer)"
    fi
    HALF="$(awk '{print $1}' "$TMP/half" | median) $(awk '{print $2}' "$TMP/half" | median) $(awk '{print $3}' "$TMP/half" | median) $(awk '{print $4}' "$TMP/half" | median) $peak"
    stop "$pid"
}

# backend_args BACKEND NAME: the gateway flags for BACKEND (`sqlite`: none, the
# `default` database in the state folder; `postgres`: a fresh database NAME on the
# benchmark's cluster, named by `database_url`). Sets DB_URL (empty on SQLite).
backend_args() {
    BACKEND_ARGS=()
    DB_URL=""
    if [[ "$1" == postgres ]]; then
        DB_URL=$(pg_database "$2")
        BACKEND_ARGS=(--variable "database_url=$DB_URL" --variable "database_host=$PG_HOST")
    fi
}

backend_label() { if [[ "$1" == postgres ]]; then echo PostgreSQL; else echo SQLite; fi; }

# row_valuation [BACKEND]: lookups of demo dwellings (default backend: sqlite).
row_valuation() {
    local backend=${1:-sqlite}
    local label
    label="valuation lookup: gateway, $(backend_label "$backend")"
    if ((!VALUATION_OK)); then unavailable "$label" "not yet available"; return; fi
    local port=$((PORT_BASE + 40)) state="$TMP/state-valuation-$backend"
    backend_args "$backend" valuation
    gateway gw-valuation "$ROOT/spin.toml" "$state" "$port" "${BACKEND_ARGS[@]}"
    local pid=$PID base="http://127.0.0.1:$port"
    wait_ok "$base/.well-known/spin/health" "$pid"
    local key token
    key=$("$GATEWAY" dev key --state-dir "$state")
    curl -fsS -o /dev/null -X POST -H "authorization: Bearer $key" "$base/api/valuation/demo-data"
    token=$("$GATEWAY" dev token --role citizen --state-dir "$state")
    # 500 demo units, cycled: a lookup reads the dwelling, its base prices and the table.
    local sql="SELECT unit_code FROM dwellings ORDER BY unit_code LIMIT 500"
    if [[ -n "$DB_URL" ]]; then
        pg_query "$DB_URL" "$sql" >"$TMP/codes"
    else
        python3 -c 'import sqlite3, sys
for (c,) in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print(c)' \
            "$state/sqlite_db.db" "$sql" >"$TMP/codes"
    fi
    python3 - "$TMP/codes" "$token" >"$TMP/valuation.lua" <<'EOF'
import sys
codes = open(sys.argv[1]).read().split()
print('local codes = {' + ','.join('"%s"' % c for c in codes) + '}')
print('local i = 0')
print('wrk.headers["authorization"] = "Bearer %s"' % sys.argv[2])
print('function request() i = i % #codes + 1; return wrk.format("GET", "/api/valuation/units/" .. codes[i]) end')
EOF
    curl -fsS -o /dev/null -H "authorization: Bearer $token" \
        "$base/api/valuation/units/$(head -n 1 "$TMP/codes")"
    if [[ -n "$SPIN" && "$backend" == sqlite ]]; then
        # The same manifest, components, secrets and demo register on Spin.
        local sport=$((port + 5)) sbase
        sbase="http://127.0.0.1:$sport"
        spin_app "$TMP/spin-valuation" "$ROOT/spin.toml"
        spin_up spin-valuation "$TMP/spin-valuation" "$sport" "$state"
        local spid=$PID
        wait_ok "$sbase/.well-known/spin/health" "$spid"
        curl -fsS -o /dev/null -X POST -H "authorization: Bearer $key" "$sbase/api/valuation/demo-data"
        curl -fsS -o /dev/null -H "authorization: Bearer $token" \
            "$sbase/api/valuation/units/$(head -n 1 "$TMP/codes")"
        measure_pair "$TMP/valuation.lua" "$label" "$pid" "$base/" \
            "valuation lookup: spin 4.1, SQLite" "$spid" "$sbase/"
        stop "$spid"
    else
        measure "$label" "$pid" "$base/" "$TMP/valuation.lua"
    fi
    stop "$pid"
}

# row_meter [BACKEND]: signed readings through bench/loadgen (default backend: sqlite).
row_meter() {
    local backend=${1:-sqlite}
    local label
    label="meter webhook: gateway, $(backend_label "$backend")"
    if ((!METER_OK)); then unavailable "$label" "not yet available"; return; fi
    if [[ -z "$LOADGEN" ]]; then unavailable "$label" "loadgen did not build"; return; fi
    # Each webhook carries a fresh device signature (HMAC over method, path, timestamp,
    # nonce and body hash), which wrk cannot compute: bench/loadgen signs at send
    # time. It sets up the site, sockets and paid sessions through the API (the
    # bootstrap key as the operator, a citizen token, the channel's signature: the
    # secret is given to the gateway as a --variable), and checks afterwards, through
    # the API, that each session was charged exactly the readings answered 2xx.
    local port=$((PORT_BASE + 80)) state="$TMP/state-meter-$backend"
    CHANNEL=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    backend_args "$backend" meter
    gateway gw-meter "$ROOT/spin.toml" "$state" "$port" --variable "payment_channel_secret=$CHANNEL" \
        "${BACKEND_ARGS[@]}"
    local pid=$PID base="http://127.0.0.1:$port" key token i
    wait_ok "$base/.well-known/spin/health" "$pid"
    key=$("$GATEWAY" dev key --state-dir "$state")
    token=$("$GATEWAY" dev token --role citizen --sub loadgen --hours 2 --state-dir "$state")
    # The same application on Spin (SQLite only: our manifest names no PostgreSQL
    # host Spin could reach), with the same secrets, so one key and token serve both.
    local spid="" sbase=""
    if [[ -n "$SPIN" && "$backend" == sqlite ]]; then
        sbase="http://127.0.0.1:$((port + 5))"
        spin_app "$TMP/spin-meter" "$ROOT/spin.toml"
        spin_up spin-meter "$TMP/spin-meter" "$((port + 5))" "$state"
        spid=$PID
        wait_ok "$sbase/.well-known/spin/health" "$spid"
    fi
    # 16 meters a connection: a meter metering 1 Wh a reading can plausibly send about
    # 40 readings a second for ten seconds (a 10 A socket: 402 Wh of clock tolerance,
    # then 1.3 Wh/s); with 4 a connection a fast run crossed that, the function cut
    # the sessions off as implausible and the billing check failed on the model.
    local common=(meter --agency-key "$key" --token "$token" --channel-secret "$CHANNEL"
        --connections "$METER_CONNECTIONS" --meters "$((METER_CONNECTIONS * 16))")
    # A batch of B readings meters B times the energy per request: more sockets, so
    # that none is asked to deliver more than a socket plausibly can.
    local batch=(--batch "$METER_BATCH" --meters "$((METER_CONNECTIONS * 64))")
    log "measuring: $label ($METER_CONNECTIONS connections, closed loop${spid:+, alternating with Spin})"
    : >"$TMP/meter.json"
    : >"$TMP/meter-spin.json"
    : >"$TMP/meter-batch.json"
    : >"$TMP/meter-batch-spin.json"
    for i in $(seq "$RUNS"); do
        "$LOADGEN" "${common[@]}" --url "$base" --warmup "$WARMUP" --duration "$DURATION" \
            >>"$TMP/meter.json" || METER_FAILED=1
        if [[ -n "$spid" ]]; then
            "$LOADGEN" "${common[@]}" --url "$sbase" --warmup "$WARMUP" --duration "$DURATION" \
                >>"$TMP/meter-spin.json" || METER_FAILED=1
        fi
    done
    log "measuring: $label, batches of $METER_BATCH readings"
    for i in $(seq "$RUNS"); do
        "$LOADGEN" "${common[@]}" "${batch[@]}" --url "$base" --warmup "$WARMUP" \
            --duration "$DURATION" >>"$TMP/meter-batch.json" || METER_FAILED=1
        if [[ -n "$spid" ]]; then
            "$LOADGEN" "${common[@]}" "${batch[@]}" --url "$sbase" --warmup "$WARMUP" \
                --duration "$DURATION" >>"$TMP/meter-batch-spin.json" || METER_FAILED=1
        fi
    done
    # Open loop (the gateway only): meters do not wait for each other, so 4× the
    # connections (later flags win), each reading measured from when it was due.
    log "measuring: $label (open loop, $METER_RATE readings/s)"
    "$LOADGEN" "${common[@]}" --url "$base" --connections "$((METER_CONNECTIONS * 4))" \
        --meters "$((METER_CONNECTIONS * 16))" --rate "$METER_RATE" --warmup "$WARMUP" \
        --duration "$DURATION" >"$TMP/meter-open.json" || METER_FAILED=1
    local b=$(backend_label "$backend")
    meter_row "$TMP/meter.json" "$label" "$pid"
    [[ -n "$spid" ]] && meter_row "$TMP/meter-spin.json" "meter webhook: spin 4.1, SQLite" "$spid"
    meter_row "$TMP/meter-batch.json" "meter webhook ×$METER_BATCH: gateway, $b" "$pid"
    [[ -n "$spid" ]] && meter_row "$TMP/meter-batch-spin.json" "meter webhook ×$METER_BATCH: spin 4.1, SQLite" "$spid"
    python3 - "$TMP/meter-open.json" "$label" "$TMP"/meter*.json >>"$TMP/meter-open" <<'EOF'
import json, sys
o = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
every = [json.loads(l) for f in sys.argv[3:] for l in open(f) if l.strip()]
v = [r["verification"]["passed"] for r in every if "verification" in r]
if o:
    print("%s|%s|%s|%s|%s|%s|%s" % (sys.argv[2], o[0]["rate"], o[0]["rps"], o[0]["p50_ms"], o[0]["p99_ms"],
        o[0]["errors"], "passed" if v and all(v) else "FAILED"))
EOF
    [[ -n "$spid" ]] && stop "$spid"
    stop "$pid"
    CHANNEL=""
}

# meter_row FILE LABEL PID: a row of the medians of FILE's loadgen runs; the req/s
# column counts readings (a batch request carries several).
meter_row() {
    python3 - "$1" "$2" "$(peak_mib "$3")" >>"$TMP/rows" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
med = lambda k: statistics.median_low([r[k] for r in runs]) if runs else "nan"
print("%s|%s|%s|%s|%s|%s" % (sys.argv[2], med("readings_per_s"), med("p50_ms"), med("p99_ms"), med("errors"), sys.argv[3]))
EOF
}

# ---------------------------------------------------------------- start-up
# startup LABEL STATE [extra args]: ms from exec to the first healthy answer, and
# of the first request to the component after that.
startup() {
    local label=$1 state=$2
    shift 2
    local port=$((PORT_BASE + 50)) t0 t1 t2 pid
    t0=$(now_ns)
    gateway gw-start "$TMP/hello.toml" "$state" "$port" "$@"
    pid=$PID
    wait_ok "http://127.0.0.1:$port/.well-known/spin/health" "$pid"
    t1=$(now_ns)
    curl -fsS -o /dev/null "http://127.0.0.1:$port/"
    t2=$(now_ns)
    printf '%s|%d|%d\n' "$label" $(((t1 - t0) / 1000000)) $(((t2 - t1) / 1000000)) >>"$TMP/startup"
    stop "$pid"
}

startups() {
    : >"$TMP/startup"
    startup "empty cache (compiles)" "$TMP/state-start"
    startup "warm cache" "$TMP/state-start"
    startup "--no-cache" "$TMP/state-start2" --no-cache
    if [[ -n "$WASMTIME" ]]; then
        local port=$((PORT_BASE + 60)) t0 t1
        t0=$(now_ns)
        start wt-start "$WASMTIME" serve -Scli -Sp3 -Wcomponent-model-async \
            --addr "127.0.0.1:$port" "$HELLO_WASM"
        local pid=$PID
        wait_ok "http://127.0.0.1:$port/" "$pid"
        t1=$(now_ns)
        printf '%s|%d|%s\n' "wasmtime serve (to first answer)" $(((t1 - t0) / 1000000)) "-" >>"$TMP/startup"
        stop "$pid"
    fi
}

# ---------------------------------------------------------------- report
report() {
    local wt nat
    wt=$(awk -F'|' '$1 == "hello: wasmtime serve" {print $2}' "$TMP/rows")
    nat=$(awk -F'|' '$1 == "hello: native hyper" {print $2}' "$TMP/rows")
    echo
    echo "## Load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, median of $RUNS runs"
    echo
    echo "Meter rows count readings/s (a batch request carries $METER_BATCH); \"vs Spin\": the gateway"
    echo "row over the Spin row of the same workload, their runs alternating."
    echo
    echo "| row | req/s | p50 ms | p99 ms | errors | peak MiB | vs Spin | vs wasmtime serve | vs native |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'|' -v wt="${wt:-}" -v nat="${nat:-}" '
        function ratio(a, b) { return (b == "" || b == "-" || a == "-" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
        # The Spin row of a gateway row: the same label with "spin 4.1" for the server.
        function twin(l) { sub(/yingshang gateway|gateway/, "spin 4.1", l); return l }
        { rows[NR] = $0; if ($1 ~ /spin 4\.1/) spin[$1] = $2 }
        END {
            for (i = 1; i <= NR; i++) {
                n = split(rows[i], f, "|")
                if (n == 7) { printf "| %s | - | - | - | - | - | - | %s | |\n", f[1], f[7]; continue }
                vs = (f[1] ~ /spin 4\.1/) ? "1.00" : ratio(f[2], spin[twin(f[1])])
                printf "| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3], f[4], f[5], f[6], vs, ratio(f[2], wt), ratio(f[2], nat)
            }
        }
    ' "$TMP/rows"
    if [[ -n "${HALF:-}" ]]; then
        read -r hrps hp50 hp99 herr hpeak <<<"$HALF"
        echo
        echo "## Gateway hello at half of its peak ($hpeak req/s): $HALF_HOW, median of $RUNS runs"
        echo
        echo "| achieved req/s | share of peak | p50 ms | p99 ms | errors | p99 < 5 ms |"
        echo "|---:|---:|---:|---:|---:|---|"
        awk -v r="$hrps" -v p="$hpeak" -v a="$hp50" -v b="$hp99" -v e="$herr" \
            'BEGIN { printf "| %.0f | %.0f %% | %s | %s | %s | %s |\n", r, (p > 0 ? 100 * r / p : 0), a, b, e, (b + 0 < 5 ? "yes" : "NO") }'
    fi
    if [[ -s "$TMP/meter-open" ]]; then
        echo
        echo "## Meter webhook, open loop at $METER_RATE readings/s (latency from the intended send time)"
        echo
        echo "The meter rows above are bench/loadgen, not wrk: closed loop, $METER_CONNECTIONS connections,"
        echo "16 meters each (64 in the batch rows), every request signed at send time. Here:"
        echo "$((METER_CONNECTIONS * 4)) connections, one reading per request. The billing check covers"
        echo "every meter run of the row, batches and Spin's included."
        echo
        echo "| row | achieved req/s | p50 ms | p99 ms | errors | p99 < 50 ms | billing check (all runs) |"
        echo "|---|---:|---:|---:|---:|---|---|"
        awk -F'|' '{ printf "| %s | %.0f | %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $6, ($5 + 0 < 50 ? "yes" : "NO"), $7 }' \
            "$TMP/meter-open"
    fi
    if [[ -n "$PG_PORT" ]]; then
        echo
        echo "PostgreSQL: $("$PG_BIN/postgres" --version), a throwaway cluster on 127.0.0.1 (bench/pg_cluster.sh:"
        echo "synchronous_commit=off, fsync on, shared_buffers=256MB); its memory is not in \"peak MiB\"."
    fi
    if [[ -s "$TMP/startup" ]]; then
        echo
        echo "## Start-up of \`yingshang up\` (hello manifest), ms"
        echo
        echo "| case | to first healthy answer | first request to hello |"
        echo "|---|---:|---:|"
        awk -F'|' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$TMP/startup"
    fi
}

main() {
    ensure_tools
    ensure_spin
    build
    hello_manifest
    : >"$TMP/rows"
    : >"$TMP/startup"
    if [[ "$ROWS" == meter || "$ROWS" == valuation ]]; then
        # One function's rows on SQLite, beside Spin: what a change to it is measured by.
        "row_$ROWS" sqlite
        report
        if ((METER_FAILED)); then log "meter row: the billing check FAILED (see above)"; exit 1; fi
        return
    fi
    if [[ "$ROWS" != backends ]]; then
        row_native
        row_wasmtime
        row_gateway_hello
    fi
    PG_OK=0
    if [[ "$ROWS" != hello ]] && pg_start; then PG_OK=1; fi
    if [[ "$ROWS" == all || "$ROWS" == backends ]]; then
        row_valuation sqlite
        if ((PG_OK)); then row_valuation postgres; else unavailable "valuation lookup: gateway, PostgreSQL" "PostgreSQL not installed"; fi
        row_meter sqlite
        if ((PG_OK)); then row_meter postgres; else unavailable "meter webhook: gateway, PostgreSQL" "PostgreSQL not installed"; fi
    fi
    if [[ "$ROWS" != backends ]]; then startups; fi
    echo "load average after the rows: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    report
    if ((METER_FAILED)); then log "meter row: the billing check FAILED (see above)"; exit 1; fi
}

main
