#!/usr/bin/env bash
# Load test: the member directory against /healthz, same server, same load tool, same run.
#
# Builds the national demo (about 150,000 people) into a temporary SQLite database, serves it
# with the release binary, signs in as the New York coordinator and as the admin, and drives
# each URL with wrk (32 connections). Prints requests per second, p99 latency and the
# server's resident memory at rest and under load.
#
# Usage: scripts/bench-directory.sh [seconds-per-url]   (needs wrk: apt-get install wrk)
set -euo pipefail

duration="${1:-20}"
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${CARGO_TARGET_DIR:-$root/target}/release/carrel"
port=18080
base="http://127.0.0.1:$port"
data="$(mktemp -d)"
password="reading-room-2026"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$binary" ] || cargo build --release -p carrel --manifest-path "$root/Cargo.toml"

"$binary" demo --scale national --data-dir "$data" --listen "127.0.0.1:$port" \
    --base-url "$base" >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$data"' EXIT

# Building 150,000 people takes a while; wait for the listener, bounded.
for _ in $(seq 1 600); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && break
    sleep 1
done
curl -fs "$base/healthz" >/dev/null || { cat "$data/server.log"; exit 1; }

sign_in() {
    local jar="$data/$1.jar" token
    curl -s -c "$jar" -b "$jar" "$base/sign-in" -o /dev/null
    token=$(awk '$6 == "carrel_csrf" {print $7}' "$jar")
    curl -s -c "$jar" -b "$jar" -o /dev/null \
        --data-urlencode "csrf=$token" --data-urlencode "email=$2" \
        --data-urlencode "password=$password" "$base/sign-in"
    echo "carrel_session=$(awk '$6 == "carrel_session" {print $7}' "$jar")"
}
coordinator=$(sign_in coordinator coordinator@demo.carrel.example)
admin=$(sign_in admin admin@demo.carrel.example)

rss() { awk '/VmRSS/ {print $2 / 1024 " MiB"}' "/proc/$server/status"; }
echo "people: $(grep -o 'Built [0-9]* people' "$data/server.log" || echo 'existing')"
echo "resident memory at rest: $(rss)"

run() {
    local label="$1" url="$2" cookie="${3:-}"
    local args=(-t 2 -c 32 -d "${duration}s" --latency)
    [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
    local out
    out=$(wrk "${args[@]}" "$base$url")
    local rps p99
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '%-44s %10s req/s   p99 %8s   rss %s\n' "$label" "$rps" "$p99" "$(rss)"
}

run "/healthz" "/healthz"
run "directory, NY coordinator, page 1" "/people" "$coordinator"
run "directory, NY coordinator, stage=mid&topic" "/people?stage=mid&topic=leadership" \
    "$coordinator"
run "directory, admin, national, page 3" "/people?page=3" "$admin"
run "directory, admin, text search" "/people?q=garcia" "$admin"
run "directory, admin, two word prefixes" "/people?q=mar+gar" "$admin"
run "directory, NY coordinator, text search" "/people?q=garcia" "$coordinator"
run "/healthz (again)" "/healthz"
echo "resident memory after load: $(rss)"
