#!/usr/bin/env bash
# bench/complaints.sh — the complaints ledger under load (issue 15's benchmark).
#
# Starts the release gateway on 127.0.0.1 with a fresh state folder (schedules off;
# the demo cases filed by calling the demo-data route), then measures with
# bench/loadgen, in this order:
#   1. intake: enterprises filing cases (POST /api/complaints/cases, each request its
#      own Idempotency-Key, so every request writes a case), closed loop;
#   2. the ledger grown to CASES cases (bench/complaints_seed.py: copies of the demo
#      cases spread over the past year, 20,000 enterprises, 11 departments);
#   3. a department's case list (its newest 20: saturated, and open loop at 500/s
#      with latency from the intended send time; and its `assigned` work queue);
#   4. the office's list of all cases;
#   5. the monthly analysis of one month (JSON).
# Prints one JSON line per row (loadgen's output, with a `row` name) and the machine.
#
#   bench/complaints.sh            CASES=1000000, 10 s per row
#   CASES=100000 DURATION=3 bench/complaints.sh
#
# Loopback only; everything it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CASES=${CASES:-1000000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-39300}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/yingshang-complaints.XXXXXX")
PID=

cleanup() {
    if [[ -n "$PID" ]]; then
        kill -TERM "$PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$ROOT"
cargo build --release -q -p yingshang-gateway -p yingshang-loadgen
cargo build -q --target wasm32-wasip2 --profile wasm -p complaints -p valuation -p tax \
    -p meter-billing -p stand-ins
GW=target/release/yingshang
LOADGEN=target/release/loadgen
STATE="$TMP/state"
BASE="http://127.0.0.1:$PORT"

"$GW" up --no-build --no-schedules --listen "127.0.0.1:$PORT" \
    --admin-listen "127.0.0.1:$((PORT + 1))" --state-dir "$STATE" >"$TMP/gateway.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
    curl -fs "$BASE/.well-known/spin/health" >/dev/null 2>&1 && break
    kill -0 "$PID" 2>/dev/null || { cat "$TMP/gateway.log" >&2; exit 1; }
    sleep 0.2
done
KEY=$("$GW" dev key --state-dir "$STATE")
curl -fs -X POST -H "authorization: Bearer $KEY" "$BASE/api/complaints/demo-data" >/dev/null

row() {
    local name=$1
    shift
    local line
    line=$("$LOADGEN" "$@" --url "$BASE" --duration "$DURATION" --warmup 2 2>"$TMP/loadgen.err") || {
        cat "$TMP/loadgen.err" >&2
        exit 1
    }
    python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["row"]=sys.argv[1]; print(json.dumps(d))' \
        "$name" "$line"
}

# 1. Intake: the demo enterprise files online.
ENTERPRISE=$("$GW" dev token --role enterprise --state-dir "$STATE")
ORG=91350100M000100Y43
printf '{"channel":"online","enterprise":"%s","category":"permits","description":"施工许可审批超过承诺时限仍未办结，请协调办理。"}' \
    "$ORG" >"$TMP/filing.json"
row intake post --path /api/complaints/cases --body "$TMP/filing.json" \
    --header "authorization: Bearer $ENTERPRISE" --connections "$CONNECTIONS"

# 2. The ledger at CASES cases.
python3 bench/complaints_seed.py "$STATE/sqlite_db.db" "$CASES" >&2

# 3. A department's lists; 4. the office's; 5. the monthly analysis.
DEPT=$("$GW" dev token --role officer --org market-regulation --state-dir "$STATE")
echo /api/complaints/cases?limit=20 >"$TMP/dept.paths"
echo '/api/complaints/cases?status=assigned&limit=20' >"$TMP/queue.paths"
row department-list get --paths "$TMP/dept.paths" --header "authorization: Bearer $DEPT" \
    --connections "$CONNECTIONS"
row department-list-500/s get --paths "$TMP/dept.paths" --header "authorization: Bearer $DEPT" \
    --connections "$CONNECTIONS" --rate 500
row department-queue get --paths "$TMP/queue.paths" --header "authorization: Bearer $DEPT" \
    --connections "$CONNECTIONS"
row office-list get --paths "$TMP/dept.paths" --header "authorization: Bearer $KEY" \
    --connections "$CONNECTIONS"
MONTH=$(python3 -c 'import datetime as d; t=d.date.today().replace(day=1)-d.timedelta(days=1); print(t.strftime("%Y-%m"))')
echo "/api/complaints/analysis/monthly?month=$MONTH" >"$TMP/month.paths"
row monthly-analysis get --paths "$TMP/month.paths" --header "authorization: Bearer $KEY" \
    --connections 1

echo "cases=$(sqlite3 "$STATE/sqlite_db.db" 'SELECT COUNT(*) FROM complaints_cases' 2>/dev/null || echo "$CASES") \
machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
