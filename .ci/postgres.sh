#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 server on 127.0.0.1 (free port) for the store tests and
# print shell exports for it.  Usage:
#   eval "$(.ci/postgres.sh)"      # sets BOT_TEST_DATABASE_URL, BOT_TEST_PG_DIR
#   trap '.ci/postgres.sh stop "$BOT_TEST_PG_DIR"' EXIT
#   .ci/postgres.sh stop DIR       # stop the server and delete its directory
# Only the export lines go to stdout; progress and errors go to stderr.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return 0; fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(readlink -f "$(command -v initdb)")"; return 0
    fi
    return 1
}

install_postgres() {
    log "initdb/pg_ctl not found; installing postgresql with apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
}

# initdb refuses to run as root: run the server as the `postgres` user when we are root.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_pg_user() {
    [[ $(id -u) -eq 0 ]] || return 0
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql \
        --shell /bin/bash postgres
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR}
    local bindir
    bindir=$(find_bindir) || { log "no PostgreSQL binaries"; exit 1; }
    [[ -d "$dir/data" ]] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf -- "$dir"
    log "stopped and removed $dir"
}

start() {
    local bindir dir port attempt
    bindir=$(find_bindir) || { install_postgres; bindir=$(find_bindir); }
    ensure_pg_user
    dir=$(mktemp -d /tmp/summit-pg.XXXXXX)
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # A free port can be taken between probing and binding: retry a few times.
    for attempt in 1 2 3; do
        port=$(free_port)
        if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off" start >&2; then
            break
        fi
        log "start attempt $attempt on port $port failed"; tail -5 "$dir/server.log" >&2 || true
        [[ $attempt -eq 3 ]] && exit 1
    done
    for _ in $(seq 1 50); do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
        sleep 0.2
    done
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres summit_test >&2
    log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, dir $dir"
    echo "export BOT_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/summit_test"
    echo "export BOT_TEST_PG_DIR=$dir"
}

case "${1:-start}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) log "usage: $0 [start|stop DIR]"; exit 2 ;;
esac
