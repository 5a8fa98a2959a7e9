#!/usr/bin/env bash
# Times a national program cycle through the application beside the bare engine on the same
# data, in one run (issue 4's measure):
#
#   scripts/bench-cycle.sh                 # builds the national demo into DATA first
#   DATA=/tmp/carrel-cycle scripts/bench-cycle.sh   # reuses a demo built there before
#
# Prints the load of the stored applications and offers, the bare engine (candidate search
# and both solvers), then through the router as an admin's browser: the "Run the matching"
# button's answer, the time until the proposals page is ready (the run works in the
# background), its ratio to the bare engine, and the time to render pages 1 and 500 of the
# side-by-side proposals. One release build; the demo build takes several minutes.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${DATA:-/tmp/carrel-cycle-bench}"

cd "$REPO"
cargo build --release -p carrel-app --example cycle_timing --quiet
"${CARGO_TARGET_DIR:-$REPO/target}/release/examples/cycle_timing" "$DATA"
