#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: initdb in a fresh temporary directory, start
# it on a free localhost port, export ADVISOR_TEST_DATABASE_URL (the tests' conftest creates a fresh
# database per test on it), run the command, and always stop the server and delete its directory,
# whether the command passes, fails or is interrupted. Exits with the command's status.
#
#   tests/with_postgres.sh .venv/bin/pytest -x
#
# The server runs as the current user; as root (where initdb refuses to run) it runs as the
# `postgres` user that Debian's package creates. Durability is switched off: the data is disposable.
set -euo pipefail

bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin_dir" ] || [ ! -x "$bin_dir/initdb" ]; then
    echo "with_postgres.sh: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 2
fi

as_owner=()
base=${TMPDIR:-/tmp}
if [ "$(id -u)" = 0 ]; then
    as_owner=(runuser -u postgres --)
    base=/tmp  # a directory the postgres user can reach, whatever root's TMPDIR is
fi

python=${PYTHON:-python3}
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
root=$(mktemp -d "$base/advisor-pg.XXXXXX")
chmod 755 "$root"
if [ ${#as_owner[@]} -gt 0 ]; then
    chown postgres: "$root"
fi

child=
stop() {
    if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; fi
    "${as_owner[@]}" "$bin_dir/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$root"
}
trap stop EXIT
# The command runs in the background and is waited for, so that an interrupt or a kill of this
# script is handled at once (bash defers traps while a foreground command runs). A background
# command ignores SIGINT, hence SIGTERM for it either way.
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_owner[@]}" "$bin_dir/initdb" -D "$root/data" -U advisor --auth=trust -E UTF8 --locale=C \
    >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; exit 2; }
# fsync and friends off: a crash loses nothing that matters. max_connections covers the app
# subprocesses and worker pools that the suite starts. The session time zone is deliberately not
# UTC, so that code which relies on the server's zone fails here rather than in production.
"${as_owner[@]}" "$bin_dir/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 start -o \
    "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
     -c full_page_writes=off -c max_connections=200 -c timezone=Asia/Shanghai" \
    >/dev/null || { cat "$root/server.log" >&2; exit 2; }

export ADVISOR_TEST_DATABASE_URL="postgresql+psycopg://advisor@127.0.0.1:$port/postgres"
echo "with_postgres.sh: PostgreSQL $("$bin_dir/postgres" --version | awk '{print $3}') on port $port" >&2
"$@" &
child=$!
status=0
wait "$child" || status=$?
child=
exit "$status"
