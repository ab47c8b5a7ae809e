#!/usr/bin/env bash
# bench/valuation-full.sh — the valuation function at Luoyang scale, through the gateway.
#
# A benchmark, not a test: it asserts nothing about speed, it prints a table.
#   1. builds the release gateway and the components of spin.toml (wasm profile);
#   2. starts `yingshang up` with the repository's spin.toml on 127.0.0.1, with a fresh
#      state dir in a temp dir (no schedules);
#   3. loads the full register (621,400 dwellings) through the API, chunk after chunk
#      following `next` (`POST /api/valuation/demo-data?scale=full&chunk=N`), timed;
#   4. re-assesses every dwelling of Luoyang (410300) through the chunked, resumable
#      re-assessment (`POST /reassessments`, then `POST /reassessments/{id}/next`
#      until the run is finished, as the scheduler would; one driver process,
#      bench/drive_reassessment.py), timed, RUNS times;
#   5. lookups `GET /api/valuation/units/{code}` over LOOKUP_UNITS random unit codes of
#      the register: (a) saturation with `wrk -t1 -c32 --latency`, (b) an open-loop
#      fixed rate (RATE/s, latency from the intended send time) with bench/loadgen when
#      it builds and works, otherwise with oha (`-q RATE --latency-correction`,
#      installed with `cargo install --locked oha` when missing).
# Medians of RUNS runs. Peak memory is the gateway's VmHWM; `uptime` load is printed
# per phase. A trap stops everything it started and deletes the temp dir.
#
# Environment: RUNS (default 3), DURATION (s per lookup run, default 15), RATE
# (default 1000), CONNECTIONS (default 32), REASSESS_LIMIT (dwellings per `next`,
# default: the function's maximum), LOOKUP_UNITS (default 20000), PORT (default 39300;
# PORT+1 is the metrics listener), KEEP=1 keeps the state dir (prints its path),
# BUILD=0 skips the builds (uses the artifacts in target/), SCALE (`tenth`: the first
# 62,140 dwellings, `full`: 621,400, the default, `tenfold`: 6,214,000 — about 9 GB
# of database per run there, so RUNS=1), REASSESS_BY (`city`: one run for the city,
# the default; `districts`: one run per district, WORKERS (default 2) at a time;
# `lanes`: one run for the city in WORKERS lanes, one caller per lane at once;
# `compare`: side by side, one city run in each lane count of LANES_COMPARE (default
# "1 2 4") in turn, RUNS rounds, each from a copy of the state as loaded).
# Needs: curl, python3, wrk (installed with apt when missing). About 6-8 minutes on
# a 2-core machine plus builds; the database grows to about 2.2 GB (0.2 GB of register,
# 0.7 GB per re-assessment run), deleted on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
DURATION=${DURATION:-15}
RATE=${RATE:-1000}
CONNECTIONS=${CONNECTIONS:-32}
REASSESS_LIMIT=${REASSESS_LIMIT:-}
LOOKUP_UNITS=${LOOKUP_UNITS:-20000}
PORT=${PORT:-39300}
KEEP=${KEEP:-0}
SCALE=${SCALE:-full}
REASSESS_BY=${REASSESS_BY:-city}
WORKERS=${WORKERS:-2}
LANES_COMPARE=${LANES_COMPARE:-1 2 4}
BUILD=${BUILD:-1}
CITY=410300
BASE="http://127.0.0.1:$PORT"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/yingshang-valuation.XXXXXX")
STATE="$TMP/state"
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
    if ((KEEP)); then echo "state kept in $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '>> %s\n' "$*" >&2; }
now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
load_avg() { awk '{print $1, $2, $3}' /proc/loadavg; }
median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print "nan"; else print a[int((NR + 1) / 2)] }'; }
json_field() { python3 -c 'import json, sys; v = json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else v)' "$1"; }

# ---------------------------------------------------------------- tools and builds
ensure_wrk() {
    if ! command -v wrk >/dev/null; then
        log "installing wrk"
        apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
    fi
}

build() {
    cd "$ROOT"
    GATEWAY="$ROOT/target/release/yingshang"
    if ((!BUILD)); then return; fi
    log "building the release gateway and the components"
    cargo build --release -p yingshang-gateway
    cargo build --target wasm32-wasip2 --profile wasm -p valuation
    # spin.toml names every function; the others only have to start.
    local crate wasm
    for crate in meter-billing tax; do
        wasm="target/wasm32-wasip2/wasm/${crate//-/_}.wasm"
        [[ -f "functions/$crate/Cargo.toml" ]] || continue
        if ! cargo build --target wasm32-wasip2 --profile wasm -p "$crate"; then
            [[ -f "$wasm" ]] || { log "$crate does not build and has no artifact"; return 1; }
            log "$crate does not build now; using its last artifact"
        fi
    done
    GATEWAY="$ROOT/target/release/yingshang"
}

# The open-loop generator: bench/loadgen when it builds and has a rate mode, else oha.
ensure_rate_tool() {
    RATE_TOOL=""
    if [[ -f "$ROOT/bench/loadgen/Cargo.toml" ]]; then
        LOADGEN="$ROOT/target/release/loadgen"
        local help=""
        if ((!BUILD)) || (cd "$ROOT" && cargo build --release -p yingshang-loadgen >&2); then
            help=$("$LOADGEN" get --help 2>&1 || true) # prints its usage, exits non-zero
        fi
        if grep -q -- '--rate' <<<"$help" && grep -q -- '--header' <<<"$help"; then
            RATE_TOOL=loadgen
            return
        fi
        log "bench/loadgen is not usable yet; using oha"
    fi
    OHA=$(command -v oha || true)
    [[ -z "$OHA" && -x "$HOME/.cargo/bin/oha" ]] && OHA="$HOME/.cargo/bin/oha"
    if [[ -z "$OHA" ]]; then
        log "installing oha (cargo install --locked oha)"
        cargo install --locked oha >&2
        OHA="$HOME/.cargo/bin/oha"
    fi
    RATE_TOOL=oha
}

# ---------------------------------------------------------------- the gateway
start_gateway() {
    log "starting the gateway on $BASE"
    env RUST_LOG=warn "$GATEWAY" up -f "$ROOT/spin.toml" --no-build --no-schedules \
        --state-dir "$STATE" --listen "127.0.0.1:$PORT" \
        --admin-listen "127.0.0.1:$((PORT + 1))" >"$TMP/gateway.out" 2>&1 &
    GW_PID=$!
    PIDS+=("$GW_PID")
    for _ in $(seq 1200); do
        if curl -fsS -o /dev/null --max-time 1 "$BASE/.well-known/spin/health" 2>/dev/null; then
            KEY=$("$GATEWAY" dev key --state-dir "$STATE")
            TOKEN=$("$GATEWAY" dev token --role citizen --state-dir "$STATE")
            return 0
        fi
        kill -0 "$GW_PID" 2>/dev/null || { log "gateway died: $(tail -20 "$TMP/gateway.out")"; return 1; }
        sleep 0.1
    done
    log "gateway did not become healthy"
    return 1
}

peak_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$GW_PID/status"; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$GW_PID/status"; }

# post PATH [BODY]: POST with the agency key; prints the body, fails on non-2xx.
post() {
    local path=$1 body=${2:-}
    curl -fsS --max-time 120 -X POST -H "authorization: Bearer $KEY" \
        ${body:+-H "content-type: application/json" --data "$body"} "$BASE$path"
}

# ---------------------------------------------------------------- 1. the register
load_register() {
    # tenth: the first 13 chunks of 4,780 of the full register (62,140 dwellings);
    # full: all of it (621,400); tenfold: the register ten times that (6,214,000).
    local scale=full size=5000 max=0
    case "$SCALE" in
        tenth) size=4780 max=13 ;;
        full) ;;
        tenfold) scale=tenfold ;;
        *) log "SCALE must be tenth, full or tenfold"; return 1 ;;
    esac
    log "loading the $SCALE register through the API"
    local t0 path="/api/valuation/demo-data?scale=$scale&chunk=0&size=$size" answer n=0
    LOAD_UPTIME_START=$(load_avg)
    t0=$(now_ns)
    while [[ -n "$path" ]]; do
        answer=$(post "$path")
        path=$(json_field next <<<"$answer")
        n=$((n + 1))
        if ((max > 0 && n >= max)); then path=""; fi
        if ((n % 25 == 0)); then log "  chunk $n: $(json_field dwellings <<<"$answer") dwellings"; fi
    done
    LOAD_S=$(secs_since "$t0")
    LOAD_CHUNKS=$n
    DWELLINGS=$(json_field dwellings <<<"$answer")
    LOAD_UPTIME=$(load_avg)
    log "loaded $DWELLINGS dwellings in $LOAD_CHUNKS chunks, ${LOAD_S} s (load $LOAD_UPTIME)"
    DB_MIB=$(du -cm "$STATE"/sqlite_db.db* | awk 'END {print $1}')
    PEAK_LOAD=$(peak_mib)
}

# ---------------------------------------------------------------- 2. re-assessment
# One run for the city, driven by bench/drive_reassessment.py (one process, one
# keep-alive connection: what is timed is the gateway's work, not a fork per call).
# Prints `seconds processed failed calls`.
reassess_by_city() {
    python3 "$ROOT/bench/drive_reassessment.py" "$BASE" "$KEY" "${REASSESS_LIMIT:-$MAX_LIMIT}" 1 "$CITY" |
        awk '{print $1, $2, $3, $5}'
}

# The same dwellings as one run per district, WORKERS districts at a time (largest
# first, each worker taking the next district as it finishes one): each run's chunks
# are disjoint from the others', so two can be assessed on two cores at once while
# the database takes their results one transaction at a time.
# Prints `seconds processed failed runs`.
reassess_by_districts() {
    local districts
    districts=$(curl -fsS -H "authorization: Bearer $TOKEN" "$BASE/api/valuation/divisions" |
        python3 -c 'import json, sys
for d in sorted(json.load(sys.stdin)["divisions"], key=lambda d: -d["dwellings"]): print(d["division_code"])')
    # shellcheck disable=SC2086 # one argument per district code
    python3 "$ROOT/bench/drive_reassessment.py" "$BASE" "$KEY" "${REASSESS_LIMIT:-$MAX_LIMIT}" "$WORKERS" $districts |
        awk '{print $1, $2, $3, $4}'
}

# One run for the city cut into WORKERS lanes, one caller per lane at once: the same
# overlap as the districts, in one run. Prints `seconds processed failed calls`.
reassess_by_lanes() {
    python3 "$ROOT/bench/drive_reassessment.py" --lanes "$WORKERS" "$BASE" "$KEY" \
        "${REASSESS_LIMIT:-$MAX_LIMIT}" 1 "$CITY" | awk '{print $1, $2, $3, $5}'
}

stop_gateway() {
    kill -TERM "$GW_PID" 2>/dev/null || true
    wait "$GW_PID" 2>/dev/null || true
    # Reaped: its number may be another process's by the time the trap runs.
    local pid kept=()
    for pid in "${PIDS[@]}"; do [[ "$pid" == "$GW_PID" ]] || kept+=("$pid"); done
    PIDS=("${kept[@]}")
}

# Side by side: the city as one run in each lane count of LANES_COMPARE, in turn, RUNS
# rounds. Every trial starts from a copy of the state as loaded, the gateway restarted
# on it: each run adds its results (0.7 GB at full scale) to the same table and index,
# which makes every later run slower than the one before, whatever its lanes.
# Writes `lanes seconds processed failed calls` per trial to $TMP/compare.
compare_lanes() {
    stop_gateway
    cp -a "$STATE" "$TMP/loaded"
    : >"$TMP/compare"
    COMPARE_UPTIME_START=$(load_avg)
    local round lanes result
    PEAK_REASSESS=0
    for round in $(seq "$RUNS"); do
        for lanes in $LANES_COMPARE; do
            rm -rf "$STATE"
            cp -a "$TMP/loaded" "$STATE"
            start_gateway
            result=$(python3 "$ROOT/bench/drive_reassessment.py" --lanes "$lanes" "$BASE" "$KEY" \
                "${REASSESS_LIMIT:-$MAX_LIMIT}" 1 "$CITY")
            log "  round $round, $lanes lanes: $result"
            echo "$lanes $result" >>"$TMP/compare"
            PEAK_REASSESS=$(printf '%s\n%s\n' "${PEAK_REASSESS:-0}" "$(peak_mib)" | sort -g | tail -1)
            stop_gateway
        done
    done
    COMPARE_UPTIME=$(load_avg)
    if awk -v n="$DWELLINGS" '$3 != n {bad = 1} END {exit !bad}' "$TMP/compare"; then
        log "a re-assessment did not process all $DWELLINGS dwellings: $(paste -sd';' "$TMP/compare")"
        exit 1
    fi
    rm -rf "$STATE"
    mv "$TMP/loaded" "$STATE"
    start_gateway
}

max_limit() {
    # The function's maximum chunk, read from its refusal of an absurd limit.
    local text
    text=$(curl -sS -X POST -H "authorization: Bearer $KEY" \
        "$BASE/api/valuation/reassessments/00000000000000000000000000/next?limit=999999999" || true)
    MAX_LIMIT=$(grep -oE '(to |至)[0-9]+' <<<"$text" | grep -oE '[0-9]+' || true)
    MAX_LIMIT=${MAX_LIMIT:-2000}
}

reassess() {
    max_limit
    if [[ "$REASSESS_BY" == compare ]]; then
        log "re-assessing every dwelling of $CITY in $LANES_COMPARE lanes in turn, $RUNS rounds"
        compare_lanes
        DB_MIB_AFTER=$DB_MIB
        return
    fi
    log "re-assessing every dwelling of $CITY, $RUNS runs (limit ${REASSESS_LIMIT:-$MAX_LIMIT})"
    : >"$TMP/reassess"
    REASSESS_UPTIME_START=$(load_avg)
    for _ in $(seq "$RUNS"); do "reassess_by_$REASSESS_BY" >>"$TMP/reassess"; done
    REASSESS_UPTIME=$(load_avg)
    REASSESS_S=$(awk '{print $1}' "$TMP/reassess" | median)
    REASSESS_ALL=$(awk '{printf "%s%s", sep, $1; sep = " / "}' "$TMP/reassess")
    REASSESS_N=$(awk 'NR == 1 {print $2}' "$TMP/reassess")
    REASSESS_FAILED=$(awk 'NR == 1 {print $3}' "$TMP/reassess")
    REASSESS_CALLS=$(awk 'NR == 1 {print $4}' "$TMP/reassess")
    # A run that skipped dwellings is not a fast run: stop rather than print a time.
    if awk -v n="$DWELLINGS" '$2 != n {bad = 1} END {exit !bad}' "$TMP/reassess"; then
        log "a re-assessment did not process all $DWELLINGS dwellings: $(paste -sd';' "$TMP/reassess")"
        exit 1
    fi
    DB_MIB_AFTER=$(du -cm "$STATE"/sqlite_db.db* | awk 'END {print $1}')
    PEAK_REASSESS=$(peak_mib)
}

# ---------------------------------------------------------------- 3. lookups
pick_units() {
    log "picking $LOOKUP_UNITS random unit codes from the register"
    # Read-only while the gateway runs (WAL): a random sample, in random order.
    python3 - "$STATE/sqlite_db.db" "$LOOKUP_UNITS" >"$TMP/units" <<'EOF'
import random, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
codes = [r[0] for r in db.execute("SELECT unit_code FROM dwellings")]
random.seed(7)
for c in random.sample(codes, min(int(sys.argv[2]), len(codes))):
    print(c)
EOF
    sed 's|^|/api/valuation/units/|' "$TMP/units" >"$TMP/paths"
    sed "s|^|$BASE|" "$TMP/paths" >"$TMP/urls"
    python3 - "$TMP/units" "$TOKEN" >"$TMP/lookup.lua" <<'EOF'
import sys
codes = open(sys.argv[1]).read().split()
print('local codes = {' + ','.join('"%s"' % c for c in codes) + '}')
print('local i = 0')
print('wrk.headers["authorization"] = "Bearer %s"' % sys.argv[2])
print('function init(args) i = math.random(#codes) end')
print('function request() i = i % #codes + 1; return wrk.format("GET", "/api/valuation/units/" .. codes[i]) end')
EOF
    local first
    first=$(head -1 "$TMP/units")
    curl -fsS -o /dev/null -H "authorization: Bearer $TOKEN" "$BASE/api/valuation/units/$first"
}

to_ms() { # wrk prints 812.00us, 1.23ms, 2.00s
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else printf "nan" }'
}

# wrk_once: one saturation run; prints "rps p50ms p99ms errors".
wrk_once() {
    local out rps p50 p99 non2xx sock
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$TMP/lookup.lua" "$BASE/")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
    echo "$rps $p50 $p99 $((${non2xx:-0} + ${sock:-0}))"
}

saturation() {
    log "lookups: saturation, wrk -t1 -c$CONNECTIONS ${DURATION}s x $RUNS"
    wrk -t1 -c"$CONNECTIONS" -d2s -s "$TMP/lookup.lua" "$BASE/" >/dev/null
    : >"$TMP/sat"
    SAT_UPTIME_START=$(load_avg)
    for _ in $(seq "$RUNS"); do wrk_once >>"$TMP/sat"; done
    SAT_UPTIME=$(load_avg)
}

# oha_once: one open-loop run at RATE/s; prints "rps p50ms p99ms errors".
oha_once() {
    "$OHA" --no-tui --output-format json -z "${DURATION}s" -q "$RATE" --latency-correction \
        -c "$CONNECTIONS" -H "authorization: Bearer $TOKEN" --urls-from-file "$TMP/urls" \
        >"$TMP/oha.json"
    python3 - "$TMP/oha.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
s, p = r["summary"], r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
bad = sum(n for c, n in codes.items() if not c.startswith("2"))
bad += sum(r.get("errorDistribution", {}).values())
print("%.1f %.3f %.3f %d" % (s["requestsPerSec"], p["p50"] * 1000, p["p99"] * 1000, bad))
EOF
}

loadgen_once() {
    "$LOADGEN" get --url "$BASE" --paths "$TMP/paths" --header "authorization: Bearer $TOKEN" \
        --rate "$RATE" --duration "$DURATION" --warmup 2 --connections "$CONNECTIONS" \
        >"$TMP/loadgen.json" 2>"$TMP/loadgen.err"
    python3 - "$TMP/loadgen.json" <<'EOF'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("%s %s %s %s" % (r["rps"], r["p50_ms"], r["p99_ms"], r["errors"]))
EOF
}

fixed_rate() {
    log "lookups: open loop at $RATE/s with $RATE_TOOL, ${DURATION}s x $RUNS"
    : >"$TMP/rate"
    RATE_UPTIME_START=$(load_avg)
    for _ in $(seq "$RUNS"); do "${RATE_TOOL}_once" >>"$TMP/rate"; done
    RATE_UPTIME=$(load_avg)
}

# ---------------------------------------------------------------- report
col() { awk -v c="$2" '{print $c}' "$1" | median; }

# The side-by-side rows: per lane count, the median and its ratio to the first count's.
compare_report() {
    local lanes first="" med
    echo
    echo "| one city run in | seconds (median; runs) | speed vs $(awk '{print $1}' <<<"$LANES_COMPARE") lane(s) | < 10 s | load avg (start → end) |"
    echo "|---|---|---:|---|---|"
    for lanes in $LANES_COMPARE; do
        med=$(awk -v l="$lanes" '$1 == l {print $2}' "$TMP/compare" | median)
        first=${first:-$med}
        printf '| %s lane(s), %s calls of %s | %s s (%s) | %s× | %s | %s → %s |\n' "$lanes" \
            "$(awk -v l="$lanes" '$1 == l {print $6; exit}' "$TMP/compare")" "${REASSESS_LIMIT:-$MAX_LIMIT}" "$med" \
            "$(awk -v l="$lanes" '$1 == l {printf "%s%s", sep, $2; sep = " / "}' "$TMP/compare")" \
            "$(awk -v a="$first" -v b="$med" 'BEGIN {printf "%.2f", a / b}')" \
            "$(awk -v s="$med" 'BEGIN {print (s < 10 ? "yes" : "NO")}')" "$COMPARE_UPTIME_START" "$COMPARE_UPTIME"
    done
}

report() {
    echo
    echo "## Valuation, $SCALE register ($DWELLINGS dwellings), gateway on 127.0.0.1, $(date -u '+%Y-%m-%d %H:%M') UTC"
    echo
    echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); RUNS=$RUNS, DURATION=${DURATION}s, connections $CONNECTIONS; $LOOKUP_UNITS random unit codes."
    echo
    echo "| phase | result | target | load avg (start → end) |"
    echo "|---|---|---|---|"
    printf '| load the register (%s chunks) | %s s | - | %s → %s |\n' "$LOAD_CHUNKS" "$LOAD_S" "$LOAD_UPTIME_START" "$LOAD_UPTIME"
    local how="${REASSESS_CALLS:-} calls of ${REASSESS_LIMIT:-$MAX_LIMIT}"
    if [[ "$REASSESS_BY" == districts ]]; then
        how="$REASSESS_CALLS district runs, $WORKERS at a time, chunks of ${REASSESS_LIMIT:-$MAX_LIMIT}"
    elif [[ "$REASSESS_BY" == lanes ]]; then
        how="one run in $WORKERS lanes at once, $REASSESS_CALLS calls of ${REASSESS_LIMIT:-$MAX_LIMIT}"
    fi
    if [[ "$REASSESS_BY" == compare ]]; then
        compare_report
    else
        printf '| re-assess %s dwellings (%s; %s failed) | %s s (median; runs %s) | < 10 s: %s | %s → %s |\n' \
            "$REASSESS_N" "$how" "$REASSESS_FAILED" "$REASSESS_S" "$REASSESS_ALL" \
            "$(awk -v s="$REASSESS_S" 'BEGIN {print (s < 10 ? "yes" : "NO")}')" "$REASSESS_UPTIME_START" "$REASSESS_UPTIME"
    fi
    echo
    echo "| lookups | req/s | p50 ms | p99 ms | errors | target | load avg (start → end) |"
    echo "|---|---:|---:|---:|---:|---|---|"
    printf '| saturation, wrk -t1 -c%s | %.0f | %s | %s | %s | - | %s → %s |\n' "$CONNECTIONS" \
        "$(col "$TMP/sat" 1)" "$(col "$TMP/sat" 2)" "$(col "$TMP/sat" 3)" "$(col "$TMP/sat" 4)" "$SAT_UPTIME_START" "$SAT_UPTIME"
    local p99
    p99=$(col "$TMP/rate" 3)
    printf '| open loop %s/s (%s, from intended send time) | %.0f | %s | %s | %s | p99 < 10 ms: %s | %s → %s |\n' \
        "$RATE" "$RATE_TOOL" "$(col "$TMP/rate" 1)" "$(col "$TMP/rate" 2)" "$p99" "$(col "$TMP/rate" 4)" \
        "$(awk -v p="$p99" 'BEGIN {print (p < 10 ? "yes" : "NO")}')" "$RATE_UPTIME_START" "$RATE_UPTIME"
    echo
    echo "Gateway peak memory (VmHWM): $PEAK_LOAD MiB after loading, $PEAK_REASSESS MiB after the re-assessments, $(peak_mib) MiB at the end; resident at the end: $(rss_mib) MiB."
    if [[ "$REASSESS_BY" == compare ]]; then
        echo "Database on disk: $DB_MIB MiB after loading; each trial started from a copy of it."
    else
        echo "Database on disk: $DB_MIB MiB after loading, $DB_MIB_AFTER MiB after $RUNS re-assessments."
    fi
    echo "Per-run lookups (req/s p50 p99 errors): saturation: $(paste -sd';' "$TMP/sat"); open loop: $(paste -sd';' "$TMP/rate")."
}

main() {
    ensure_wrk
    build
    ensure_rate_tool
    start_gateway
    load_register
    reassess
    pick_units
    saturation
    fixed_rate
    report
}

main "$@"
