#!/usr/bin/env bash
# bench/intermediary.sh — the intermediary marketplace (issue 17's benchmark).
#
# Starts the release gateway on 127.0.0.1 with a fresh state folder (schedules off;
# the marketplace's demo data loaded through its route), seeds 500 qualified agencies,
# 10,000 evaluations over 160 of them and one open notice (bench/intermediary_seed.py),
# then measures with bench/loadgen:
#   1. the deadline rush: the 500 agencies bid on the one notice at once (each bid a
#      write transaction: qualification, sanctions, one bid per round), then the bids
#      stored are counted against the 201s;
#   2. the live rating of the 160 rated agencies (GET /providers/{cc}, computed from
#      their evaluations on every read), saturated;
#   3. the public list of every agency with its live rating.
# Prints one JSON line per row and the machine.
#
#   bench/intermediary.sh            16 lanes, 10 s per row
#
# Loopback only; everything it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
LANES=${LANES:-16}
PORT=${PORT:-39500}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/yingshang-intermediary.XXXXXX")
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
cargo build -q --target wasm32-wasip2 --profile wasm -p checkin -p complaints -p valuation -p tax \
    -p meter-billing -p stand-ins -p intermediary
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
curl -fs -X POST -H "authorization: Bearer $KEY" "$BASE/api/intermediary/demo-data" >/dev/null
PROJECT=$(python3 bench/intermediary_seed.py "$STATE" "$TMP/bids.jsonl" "$LANES" "$TMP/providers.paths")

row() {
    local name=$1
    shift
    local line
    line=$("$LOADGEN" "$@" --url "$BASE" 2>"$TMP/loadgen.err") || {
        cat "$TMP/loadgen.err" >&2
        exit 1
    }
    python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["row"]=sys.argv[1]; print(json.dumps(d))' \
        "$name" "$line"
}

count() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$STATE/sqlite_db.db" "$1"; }

row bid-rush-500 script --script "$TMP/bids.jsonl" --duration 60 --warmup 0
echo "bids stored: $(count "SELECT COUNT(*) FROM intermediary_bids WHERE project_id = '$PROJECT'")" >&2
row live-rating get --paths "$TMP/providers.paths" --connections "$LANES" --duration "$DURATION" --warmup 1
echo "/api/intermediary/providers" >"$TMP/list.paths"
row every-agency-rated get --paths "$TMP/list.paths" --connections 1 --duration "$DURATION" --warmup 1

echo "evaluations=$(count 'SELECT COUNT(*) FROM intermediary_evaluations') \
machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
