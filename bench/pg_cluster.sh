# bench/pg_cluster.sh — a throwaway PostgreSQL cluster for the benchmarks (sourced).
#
# pg_start: initdb in a temporary folder (owned by the `postgres` user when we are
# root: the server refuses to run as root), a server on a free loopback port, no
# other listener. Sets PG_PORT and PG_HOST (`postgres://127.0.0.1:PORT`, the
# allowed outbound host). pg_database NAME creates a database and prints its URL;
# pg_query URL SQL prints the rows unaligned; pg_stop stops the server and deletes
# the folder (the caller's exit trap calls it).
#
# Durability as the gateway's SQLite: SQLite runs WAL with synchronous=NORMAL (a
# commit survives a crash of the process, the last ones may be lost if the machine
# fails), which is PostgreSQL's synchronous_commit=off; fsync stays on.

PG_BIN=${PG_BIN:-}
PG_ROOT=""
PG_PORT=""
PG_HOST=""

pg_bin() {
    if [[ -n "$PG_BIN" ]]; then return 0; fi
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" ]]; then PG_BIN=$d; return 0; fi
    done
    return 1
}

pg_as_server() {
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    pg_bin || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1; }
    PG_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/yingshang-bench-pg.XXXXXX")
    if [[ $(id -u) == 0 ]]; then chown postgres: "$PG_ROOT"; fi
    pg_as_server "$PG_BIN/initdb" -D "$PG_ROOT/data" -A trust -U postgres -E UTF8 \
        --locale=C >/dev/null
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_as_server "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/log" -w -t 60 start \
        -o "-p $PG_PORT -k $PG_ROOT -c listen_addresses=127.0.0.1 -c synchronous_commit=off \
            -c max_connections=200 -c shared_buffers=256MB" >/dev/null
    PG_HOST="postgres://127.0.0.1:$PG_PORT"
}

pg_database() {
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE DATABASE $1" >/dev/null
    echo "postgres://postgres@127.0.0.1:$PG_PORT/$1?sslmode=disable"
}

pg_query() {
    "$PG_BIN/psql" "${1%%\?*}" -v ON_ERROR_STOP=1 -At -c "$2"
}

pg_stop() {
    [[ -n "$PG_ROOT" ]] || return 0
    pg_as_server "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_ROOT"
    PG_ROOT=""
}
