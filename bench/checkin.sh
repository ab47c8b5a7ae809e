#!/usr/bin/env bash
# bench/checkin.sh — check-in (码上服务 · 入企扫码) at Jiyuan's scale (issue 16's benchmark).
#
# Starts the release gateway on 127.0.0.1 with a fresh state folder (schedules off;
# check-in's demo data loaded by calling its demo-data route), grows it to Jiyuan's
# scale with bench/checkin_seed.py (14,000 enterprises, 43 agencies with 2,107
# officers, a year of inspections — 60,000 — and the same months a year earlier at
# 80 %), then measures with bench/loadgen, in this order:
#   1. scan to enter (`loadgen scan`): CONNECTIONS pairs of officers of one agency, each
#      pair walking its own share of the enterprises' code URLs — officer A's scan
#      waits (202), officer B's starts the inspection (201) — case-driven, each request
#      its own Idempotency-Key, closed loop; afterwards the inspections the run started
#      are counted in the database against the 201s;
#   2. the public monthly statistics of the last full month (per agency, with the
#      change on a year earlier), saturated and one request at a time;
#   3. the justice bureau's warnings over the last 90 days (bootstrap key), one at a time.
# Prints one JSON line per row (loadgen's output, with a `row` name) and the machine.
#
#   bench/checkin.sh                       16 connections, 10 s per row
#   CONNECTIONS=8 DURATION=5 bench/checkin.sh
#
# Each pair scans every enterprise of its share once (a second scan within ten minutes
# would join the open inspection: 409); 14,000 enterprises last 12 s up to about 2,300
# scans/s. If loadgen reports exhausted lanes, raise ENTERPRISES (the statistics then
# cover more enterprises too) or shorten DURATION.
#
# Loopback only; everything it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
ENTERPRISES=${ENTERPRISES:-14000}
PORT=${PORT:-39400}
AGENCY=jy-agency-00
ITEM=JY00-01
TMP=$(mktemp -d "${TMPDIR:-/tmp}/yingshang-checkin.XXXXXX")
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

if ((CONNECTIONS < 1 || CONNECTIONS > 24)); then
    echo "CONNECTIONS must be 1-24: each pair is two of the agency's 49 officers" >&2
    exit 2
fi

cd "$ROOT"
cargo build --release -q -p yingshang-gateway -p yingshang-loadgen
cargo build -q --target wasm32-wasip2 --profile wasm -p checkin -p complaints -p valuation \
    -p tax -p meter-billing -p intermediary -p stand-ins
GW=target/release/yingshang
LOADGEN=target/release/loadgen
STATE="$TMP/state"
DB="$STATE/sqlite_db.db"
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
curl -fs -X POST -H "authorization: Bearer $KEY" "$BASE/api/checkin/demo-data" >/dev/null

# Jiyuan at scale, written beside the serving gateway (nothing else writes meanwhile).
python3 bench/checkin_seed.py "$DB" "$ENTERPRISES" >&2

# The enterprises' codes, signed with the state folder's secret; one must open.
python3 bench/checkin_seed.py --codes "$STATE" "$BASE" "$ENTERPRISES" >"$TMP/codes.txt"
landing=$(curl -s -o /dev/null -w '%{http_code}' "$(head -n 1 "$TMP/codes.txt")")
if [[ "$landing" != 200 ]]; then
    echo "the first enterprise's code answers $landing, not 200: $(head -n 1 "$TMP/codes.txt")" >&2
    exit 1
fi

# Pair l: officers 2l and 2l+1 of the agency (which publishes ITEM).
for ((l = 0; l < CONNECTIONS; l++)); do
    printf '%s %s\n' \
        "$("$GW" dev token --role officer --org "$AGENCY" --sub "$(printf 'officer-00-%02d' $((2 * l)))" --state-dir "$STATE")" \
        "$("$GW" dev token --role officer --org "$AGENCY" --sub "$(printf 'officer-00-%02d' $((2 * l + 1)))" --state-dir "$STATE")"
done >"$TMP/tokens.txt"

row() {
    local name=$1
    shift
    local line
    line=$("$LOADGEN" "$@" --url "$BASE" --duration "$DURATION" --warmup 2 2>"$TMP/loadgen.err") || {
        cat "$TMP/loadgen.err" >&2
        exit 1
    }
    grep '^loadgen:' "$TMP/loadgen.err" >&2 || true
    python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["row"]=sys.argv[1]; print(json.dumps(d, ensure_ascii=False))' \
        "$name" "$line"
}

count() {
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1], timeout=60).execute(sys.argv[2]).fetchone()[0])' \
        "$DB" "$1"
}

# 1. Scan to enter. The seed never uses approval_ref 'bench': every such inspection is the run's.
row scan-to-enter scan --tokens "$TMP/tokens.txt" --codes "$TMP/codes.txt" --item "$ITEM" \
    --connections "$CONNECTIONS" >"$TMP/scan.json"
STARTED=$(count "SELECT COUNT(*) FROM checkin_inspections WHERE approval_ref = 'bench'")
python3 - "$TMP/scan.json" "$STARTED" <<'EOF'
import json, sys
d = json.loads(open(sys.argv[1]).read())
scan, in_db = d["scan"], int(sys.argv[2])
d["inspections_started_in_db"] = in_db
d["db_matches_201s"] = in_db == scan["started"]
print(json.dumps(d, ensure_ascii=False))
if not d["db_matches_201s"]:
    print(f"MISMATCH: {scan['started']} answers 201 but {in_db} inspections in the database", file=sys.stderr)
if scan["exhausted_lanes"]:
    print(f"{scan['exhausted_lanes']} lanes ran out of enterprises: raise ENTERPRISES", file=sys.stderr)
EOF

# 2. The monthly statistics of the last full month (China Standard Time), public.
MONTH=$(python3 -c 'import datetime as d; t=d.datetime.now(d.timezone(d.timedelta(hours=8))).date().replace(day=1)-d.timedelta(days=1); print(t.strftime("%Y-%m"))')
echo "/api/checkin/stats/monthly?month=$MONTH" >"$TMP/stats.paths"
curl -fs "$BASE/api/checkin/stats/monthly?month=$MONTH" >"$TMP/stats.json"
python3 - "$TMP/stats.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
total = json.dumps(d["total"], ensure_ascii=False)
print(f"statistics of {d['month']}: {len(d['agencies'])} agencies, total {total}", file=sys.stderr)
EOF
row monthly-statistics get --paths "$TMP/stats.paths" --connections "$CONNECTIONS"
row monthly-statistics-one get --paths "$TMP/stats.paths" --connections 1

# 3. The warnings of the last 90 days, as the justice bureau (the bootstrap key).
echo "/api/checkin/warnings?days=90" >"$TMP/warnings.paths"
curl -fs -H "authorization: Bearer $KEY" "$BASE/api/checkin/warnings?days=90" >"$TMP/warnings.json"
python3 - "$TMP/warnings.json" <<'EOF'
import collections, json, os, sys
d = json.load(open(sys.argv[1]))
kinds = dict(collections.Counter(w["kind"] for w in d["warnings"]))
size = os.path.getsize(sys.argv[1])
print(f"warnings: {d['inspections_checked']} inspections checked, {len(d['warnings'])} warnings "
      f"{kinds}, {size} bytes", file=sys.stderr)
EOF
row warnings-90-days get --paths "$TMP/warnings.paths" --header "authorization: Bearer $KEY" \
    --connections 1

echo "inspections=$(count 'SELECT COUNT(*) FROM checkin_inspections') \
scans=$(count 'SELECT COUNT(*) FROM checkin_scans') \
machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
