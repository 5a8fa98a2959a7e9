#!/usr/bin/env bash
# Side-by-side benchmark of `carrel match-file` against the Python peers (OR-Tools min-cost
# flow, plain-Python deferred acceptance) on the same generated instances, in one run.
#
#   scripts/bench-matching.sh            # 1k, 10k and 100k mentees
#   SIZES="10000" scripts/bench-matching.sh
#
# BENCH_DIR: the benchmark kit (gen.py, peers.py), default ../shared/bench next to the repo.
# VENV: a Python virtual environment outside the repository, created when missing.
# DATA: where instances are written.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$REPO/../shared/bench}"
VENV="${VENV:-/tmp/carrel-peers}"
DATA="${DATA:-/tmp/carrel-bench}"
SIZES="${SIZES:-1000 10000 100000}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet numpy ortools scipy networkx matching
fi
mkdir -p "$DATA"
(cd "$REPO" && cargo build --release -p carrel --quiet)
CARREL="$REPO/target/release/carrel"

value() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
peer() { grep "^$1 " "$2" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k { print $2 }'; }

printf '%-7s %-8s %10s %14s %10s %10s %10s\n' size what carrel_s peer_s ratio matched total
for n in $SIZES; do
    file="$DATA/n$((n / 1000))k.txt"
    if [ ! -s "$file" ]; then
        "$VENV/bin/python" "$BENCH_DIR/gen.py" --mentees "$n" --mentors $((n * 2 / 5)) \
            --k 50 --seed 1 --out "$file" 2>/dev/null
    fi
    "$VENV/bin/python" "$BENCH_DIR/peers.py" "$file" --solver parse,ortools_maxflow,da_python \
        > "$DATA/peers.$n.txt"
    for solver in optimal stable; do
        /usr/bin/time -v "$CARREL" match-file "$file" --solver "$solver" \
            > "$DATA/carrel.$solver.$n.txt" 2> "$DATA/time.$solver.$n.txt"
    done

    py_parse=$(peer parse "$DATA/peers.$n.txt" parse_s)
    ortools=$(peer ortools_maxflow "$DATA/peers.$n.txt" solve_s)
    da=$(peer da_python "$DATA/peers.$n.txt" solve_s)
    o="$DATA/carrel.optimal.$n.txt"
    s="$DATA/carrel.stable.$n.txt"
    parse=$(value parse_seconds "$o")
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (a > 0 ? b / a : 0) }'; }
    printf '%-7s %-8s %10s %14s %10s\n' "$n" parse "$parse" "$py_parse" "$(ratio "$parse" "$py_parse")"
    printf '%-7s %-8s %10s %14s %10s %10s %10s\n' "$n" optimal "$(value solve_seconds "$o")" \
        "$ortools" "$(ratio "$(value solve_seconds "$o")" "$ortools")" \
        "$(value matched "$o")/$(peer ortools_maxflow "$DATA/peers.$n.txt" matched)" \
        "$(value total_score "$o")/$(peer ortools_maxflow "$DATA/peers.$n.txt" total_score)"
    printf '%-7s %-8s %10s %14s %10s %10s %10s\n' "$n" stable "$(value solve_seconds "$s")" \
        "$da" "$(ratio "$(value solve_seconds "$s")" "$da")" \
        "$(value matched "$s")/$(peer da_python "$DATA/peers.$n.txt" matched)" \
        "$(value total_score "$s")/$(peer da_python "$DATA/peers.$n.txt" total_score)"
    for solver in optimal stable; do
        rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$DATA/time.$solver.$n.txt")
        printf '%-7s %-8s peak RSS %s MB (file %s MB)\n' "$n" "$solver" "$((rss / 1024))" \
            "$(($(stat -c %s "$file") / 1048576))"
    done
done
