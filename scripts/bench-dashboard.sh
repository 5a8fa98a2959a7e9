#!/usr/bin/env bash
# Load test: the mentorship dashboards against /healthz, same server, same load tool, same run.
#
# Builds the national demo (about 150,000 people, 60,000 active mentorships of a national
# cycle) into a temporary SQLite database, serves it with the release binary, waits for the
# first daily mentorship round to finish (it queues reminders at start), signs in as the admin
# and drives each URL with wrk. Prints requests per second, mean and p99 latency.
#
# Usage: scripts/bench-dashboard.sh [seconds-per-url] [connections]   (needs wrk)
set -euo pipefail

duration="${1:-20}"
connections="${2:-4}"
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${CARREL_BINARY:-${CARGO_TARGET_DIR:-$root/target}/release/carrel}"
port=18081
base="http://127.0.0.1:$port"
data="$(mktemp -d)"
password="reading-room-2026"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$binary" ] || cargo build --release -p carrel --manifest-path "$root/Cargo.toml"

started=$(date +%s)
"$binary" demo --scale national --data-dir "$data" --listen "127.0.0.1:$port" \
    --base-url "$base" >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$data"' EXIT

# Building the national network takes minutes; wait for the listener, bounded.
for _ in $(seq 1 1800); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && break
    sleep 1
done
curl -fs "$base/healthz" >/dev/null || { cat "$data/server.log"; exit 1; }
echo "demo built and serving after $(( $(date +%s) - started )) s"

# The first daily round runs at start; measure once it is done, not against it.
for _ in $(seq 1 600); do
    grep -q "mentorship round done" "$data/server.log" && break
    sleep 1
done
echo "first mentorship round done after $(( $(date +%s) - started )) s"

jar="$data/admin.jar"
curl -s -c "$jar" -b "$jar" "$base/sign-in" -o /dev/null
token=$(awk '$6 == "carrel_csrf" {print $7}' "$jar")
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$token" \
    --data-urlencode "email=admin@demo.carrel.example" \
    --data-urlencode "password=$password" "$base/sign-in"
admin="carrel_session=$(awk '$6 == "carrel_session" {print $7}' "$jar")"
national_cycle=$(curl -s -H "Cookie: $admin" "$base/cycles" \
    | grep -o 'href="/cycles/[0-9]*">National 2025' | grep -o '[0-9]*' | head -1)

pairs=$(curl -s -H "Cookie: $admin" "$base/dashboard/national.csv" \
    | awk -F, '$3 == "Mentorships" {print $4}')
echo "mentorships in the nation: $pairs"

run() {
    local label="$1" url="$2" cookie="${3:-}"
    local args=(-t 2 -c "$connections" -d "${duration}s" --timeout 60s --latency)
    [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
    local out rps mean p99
    out=$(wrk "${args[@]}" "$base$url")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    mean=$(awk '$1 == "Latency" {print $2; exit}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '%-40s %10s req/s   mean %8s   p99 %8s\n' "$label" "$rps" "$mean" "$p99"
}

run "/healthz" "/healthz"
run "national dashboard (admin)" "/dashboard/national" "$admin"
run "national cycle dashboard (admin)" "/cycles/$national_cycle/dashboard" "$admin"
run "national dashboard CSV (admin)" "/dashboard/national.csv" "$admin"
run "/healthz (again)" "/healthz"
