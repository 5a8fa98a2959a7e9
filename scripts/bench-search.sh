#!/usr/bin/env bash
# Times library search on 5,000 resources next to /healthz, on SQLite and, when a PostgreSQL
# server URL is given, on PostgreSQL, in the same run.
#
#   scripts/bench-search.sh [postgres://user@host:port/postgres] [resources] [rounds]
#
# The PostgreSQL URL names a server where the script may create and drop the database
# `carrel_bench`. Numbers come from a debug build unless CARGO_PROFILE=release is set.
set -euo pipefail
cd "$(dirname "$0")/.."

server="${1:-}"
count="${2:-5000}"
rounds="${3:-200}"
profile="${CARGO_PROFILE:-dev}"

cargo build -q -p carrel-app --example search_bench --profile "$profile"
dir="${CARGO_TARGET_DIR:-target}/debug"
[ "$profile" = "release" ] && dir="${CARGO_TARGET_DIR:-target}/release"
bench="$dir/examples/search_bench"

echo "== SQLite"
"$bench" "" "$count" "$rounds"

if [ -n "$server" ]; then
  echo
  echo "== PostgreSQL"
  psql -q "$server" -c "DROP DATABASE IF EXISTS carrel_bench" -c "CREATE DATABASE carrel_bench"
  "$bench" "${server%/*}/carrel_bench" "$count" "$rounds"
  psql -q "$server" -c "DROP DATABASE carrel_bench"
fi
