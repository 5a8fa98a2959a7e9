#!/usr/bin/env bash
# Runs the browser smoke test against a fresh demo network.
#
# Starts `carrel demo` (the debug build unless CARREL_BIN names another) on a free loopback
# port with a new temporary data folder, waits for /healthz, runs smoke.mjs against it, and
# always stops the server and removes the folder. Needs `npm ci` in e2e/ and Chromium at
# /usr/bin/chromium (or CARREL_CHROMIUM); .ci/run sets both up.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${CARREL_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/carrel}"
# Building the default demo takes seconds; two minutes leave room on a loaded machine.
ready_timeout_seconds="${CARREL_E2E_READY_TIMEOUT:-120}"

die() {
  echo "e2e: $*" >&2
  exit 1
}

[[ -x "$bin" ]] || die "no carrel binary at ${bin}: run 'cargo build' first"
[[ -d "$here/node_modules/playwright-core" ]] || die "run 'npm ci' in ${here} first"

# The kernel hands out a free port for port 0; the server then binds that port by number. Another
# process could take it in between, which the readiness check below would report.
port="$(node -e '
  const server = require("net").createServer();
  server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });
')"
base_url="http://127.0.0.1:${port}"
data_dir="$(mktemp -d -t carrel-e2e.XXXXXX)"
log="$data_dir/server.log"
server_pid=""

# Asks the server to stop, and forces it after ten seconds so a stuck shutdown cannot hang CI.
stop_server() {
  kill -0 "$server_pid" 2>/dev/null || return 0
  kill "$server_pid"
  local tries=0
  while kill -0 "$server_pid" 2>/dev/null && ((tries < 100)); do
    sleep 0.1
    tries=$((tries + 1))
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server did not stop on SIGTERM; killing it" >&2
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
}

cleanup() {
  if [[ -n "$server_pid" ]]; then
    stop_server
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

show_log() {
  echo "e2e: server log (${log}):" >&2
  tail -n 50 "$log" >&2 || true
}

echo "e2e: starting the demo on ${base_url} (data in ${data_dir})"
"$bin" demo --data-dir "$data_dir" --listen "127.0.0.1:${port}" --base-url "$base_url" \
  >"$log" 2>&1 &
server_pid=$!

# Poll /healthz (it checks the database too) until it answers, the server exits, or time is up.
deadline=$((SECONDS + ready_timeout_seconds))
until curl -fsS --max-time 2 -o /dev/null "${base_url}/healthz" 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    show_log
    die "the server exited before it was ready"
  fi
  if ((SECONDS >= deadline)); then
    show_log
    die "the server was not ready after ${ready_timeout_seconds} s"
  fi
  sleep 0.2
done
echo "e2e: server ready"

if ! node "$here/smoke.mjs" "$base_url"; then
  show_log
  die "the smoke test failed"
fi
