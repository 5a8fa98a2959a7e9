#!/usr/bin/env bash
# Load test: the coverage map and the national network page against /healthz, same server,
# same load tool, same run.
#
# Builds the national demo (about 150,000 people, 50,000 applications in waiting cycles)
# into a temporary SQLite database, serves it with the release binary, and drives each URL
# with wrk (32 connections), as a visitor and as a signed-in coordinator (members also see
# names, guides and circles). Prints requests per second, median and p99 latency, the
# time of one request alone, and the bytes of the page as sent and as gzip would send it.
# Carrel does not compress responses itself; the gzip figure is what a proxy in front of it
# (or a future compression layer) would put on the wire.
#
# Usage: scripts/bench-network.sh [seconds-per-url]   (needs wrk: apt-get install wrk)
# CARREL_BINARY picks another binary (say, a debug build); CARREL_DEMO_DIR reuses a data
# directory that already holds the national demo, and is kept afterwards.
set -euo pipefail

duration="${1:-20}"
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${CARREL_BINARY:-${CARGO_TARGET_DIR:-$root/target}/release/carrel}"
port=18081
base="http://127.0.0.1:$port"
data="${CARREL_DEMO_DIR:-$(mktemp -d)}"
keep="${CARREL_DEMO_DIR:+yes}"
password="reading-room-2026"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$binary" ] || cargo build --release -p carrel --manifest-path "$root/Cargo.toml"

"$binary" demo --scale national --data-dir "$data" --listen "127.0.0.1:$port" \
    --base-url "$base" >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; [ -n "$keep" ] || rm -rf "$data"' EXIT

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

echo "people: $(grep -o 'Built [0-9]* people' "$data/server.log" || echo 'existing')"
printf '%-34s %10s %9s %9s %10s %9s %9s\n' "url" "req/s" "p50" "p99" "alone" "bytes" "gzip"

run() {
    local label="$1" url="$2" cookie="${3:-}"
    local args=(-t 2 -c 32 -d "${duration}s" --latency)
    local header=()
    if [ -n "$cookie" ]; then
        args+=(-H "Cookie: $cookie")
        header=(-H "Cookie: $cookie")
    fi
    # One request alone, warm, before the load: the render time a person waits for.
    curl -s -o /dev/null "${header[@]}" "$base$url"
    local alone bytes gzipped
    alone=$(curl -s -o "$data/bench-page" -w '%{time_total}' "${header[@]}" "$base$url")
    bytes=$(wc -c <"$data/bench-page")
    gzipped=$(gzip -6 -c "$data/bench-page" | wc -c)
    local out rps p50 p99
    out=$(wrk "${args[@]}" "$base$url")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '%-34s %10s %9s %9s %9.1fms %9s %9s\n' "$label" "$rps" "$p50" "$p99" \
        "$(awk -v t="$alone" 'BEGIN {print t * 1000}')" "$bytes" "$gzipped"
}

run "/healthz" "/healthz"
run "/network/map, visitor" "/network/map"
run "/network, visitor" "/network"
run "/network, coordinator" "/network" "$coordinator"
run "/regions/NY, coordinator" "/regions/NY" "$coordinator"
run "/healthz (again)" "/healthz"
