#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for the test suite.
#
#   eval "$(scripts/pg-cluster.sh start)"   # sets CARREL_TEST_DATABASE_URL and CARREL_PG_DIR
#   scripts/pg-cluster.sh stop              # stops the cluster named by CARREL_PG_DIR, removes it
#
# The cluster lives in a fresh temporary folder, listens on 127.0.0.1 only, trusts every local
# TCP connection and runs with fsync off: it holds test data that nobody needs after the run.
# Only the `export` lines go to standard output, so callers can `eval` it; progress and errors
# go to standard error.
set -euo pipefail

PG_VERSION=15
FIRST_PORT="${CARREL_PG_FIRST_PORT:-55432}"
PORT_TRIES=50
READY_TIMEOUT_SECONDS=30

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

# Debian keeps the server binaries out of PATH; /usr/local/bin may link some of them.
find_pg_bin() {
  local name="$1"
  local candidate="/usr/lib/postgresql/${PG_VERSION}/bin/${name}"
  if [[ -x "$candidate" ]]; then
    echo "$candidate"
  elif command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
  else
    die "cannot find ${name}: apt-get install postgresql-${PG_VERSION}"
  fi
}

# initdb and the server refuse to run as root, so both run as the postgres user.
as_postgres() {
  if [[ "$(id -un)" == "postgres" ]]; then
    "$@"
  elif [[ "$(id -u)" -eq 0 ]]; then
    # runuser needs no password or terminal, unlike su or sudo in a CI job without stdin.
    runuser -u postgres -- "$@"
  else
    die "run as root or as the postgres user (initdb refuses root, and only root can switch user)"
  fi
}

# A port is free when nothing accepts a connection on it. Bash's /dev/tcp avoids needing a
# port scanner; the server itself still fails loudly if another process takes the port first.
port_is_free() {
  local port="$1"
  ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null
}

pick_port() {
  local port
  for ((port = FIRST_PORT; port < FIRST_PORT + PORT_TRIES; port++)); do
    if port_is_free "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "no free port between ${FIRST_PORT} and $((FIRST_PORT + PORT_TRIES - 1))"
}

# The trap runs after start() has returned, so what it needs lives in globals.
dir=""
pg_ctl=""
cleanup_failed_start() {
  as_postgres "$pg_ctl" -D "$dir/data" -m immediate -s stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

start() {
  local initdb pg_isready port
  initdb="$(find_pg_bin initdb)"
  pg_ctl="$(find_pg_bin pg_ctl)"
  pg_isready="$(find_pg_bin pg_isready)"
  id postgres >/dev/null 2>&1 || die "there is no postgres user: install postgresql-${PG_VERSION}"

  # Under /tmp rather than $TMPDIR: the postgres user must be able to reach the folder, and a
  # TMPDIR under root's home would not let it.
  dir="$(mktemp -d /tmp/carrel-pg.XXXXXX)"
  chown postgres: "$dir"
  # Until the server is ready, any exit (a failed step or die) removes what was made, so a
  # failed start leaves no server or folder behind.
  trap cleanup_failed_start EXIT

  echo "pg-cluster: creating a cluster in ${dir}" >&2
  as_postgres "$initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed (log above)"; }

  port="$(pick_port)"
  # The socket goes into the cluster's own folder: /var/run/postgresql may not exist or may
  # belong to a system cluster.
  as_postgres "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -s \
    -o "-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}" \
    -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    -o "-c max_connections=200" \
    start \
    || { cat "$dir/server.log" >&2 || true; die "the server did not start (log above)"; }

  # pg_ctl returns once the postmaster runs; pg_isready says when it accepts connections.
  local waited=0
  until "$pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; do
    if ((waited >= READY_TIMEOUT_SECONDS * 10)); then
      cat "$dir/server.log" >&2 || true
      die "the server on port ${port} was not ready after ${READY_TIMEOUT_SECONDS} s (log above)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  trap - EXIT

  echo "pg-cluster: PostgreSQL ${PG_VERSION} ready on 127.0.0.1:${port}" >&2
  echo "export CARREL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:${port}/postgres"
  echo "export CARREL_PG_DIR=${dir}"
}

stop() {
  local dir="${CARREL_PG_DIR:-}"
  [[ -n "$dir" ]] || die "CARREL_PG_DIR is not set: eval the output of '$0 start' first"
  # Refuse anything that does not look like a folder this script made, since it is removed.
  [[ "$(basename "$dir")" == carrel-pg.* && -d "$dir/data" ]] \
    || die "${dir} is not a cluster made by '$0 start'"

  local pg_ctl
  pg_ctl="$(find_pg_bin pg_ctl)"
  # Fast shutdown ends open test connections instead of waiting for them.
  as_postgres "$pg_ctl" -D "$dir/data" -m fast -s -w stop \
    || echo "pg-cluster: the server in ${dir} was not running" >&2
  rm -rf "$dir"
  echo "pg-cluster: stopped and removed ${dir}" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
