#!/usr/bin/env bash
# Side-by-side benchmark of `carrel match-file` against the Python peers (OR-Tools min-cost
# flow, plain-Python deferred acceptance) on the same generated instances, in one run.
#
#   scripts/bench-matching.sh            # 1k, 10k and 100k mentees
#   SIZES="10000" scripts/bench-matching.sh
#   SIZES=100000 RUNS=3 scripts/bench-matching.sh   # the 100k instance, three runs
#
# Each run prints, per size, our figure, the one it is held to, their ratio, the target and
# whether it is met: parse at least 5x faster than Python's, the optimal solve at least 10x
# faster than OR-Tools' with the same optimum, the stable solve no slower than our own parse
# (and the same matched count and total as Python's deferred acceptance), and the peak resident memory of
# the whole `carrel match-file` run no larger than the file.
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
RUNS="${RUNS:-1}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet numpy ortools scipy networkx matching
fi
mkdir -p "$DATA"
(cd "$REPO" && cargo build --release -p carrel --quiet)
CARREL="${CARGO_TARGET_DIR:-$REPO/target}/release/carrel"

value() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
peer() { grep "^$1 " "$2" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k { print $2 }'; }

# One line per figure: ours, the reference it is held to, the ratio and the target.
row() { printf '%-7s %-4s %-20s %12s %12s %10s %-14s %s\n' "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
meets() { awk -v r="$1" -v op="$2" -v t="$3" \
    'BEGIN { print ((op == ">=" && r >= t) || (op == "<=" && r <= t)) ? "yes" : "NO" }'; }

row size run figure carrel reference ratio target met
for n in $SIZES; do
    file="$DATA/n$((n / 1000))k.txt"
    if [ ! -s "$file" ]; then
        "$VENV/bin/python" "$BENCH_DIR/gen.py" --mentees "$n" --mentors $((n * 2 / 5)) \
            --k 50 --seed 1 --out "$file" 2>/dev/null
    fi
    file_kb=$(($(stat -c %s "$file") / 1024))
    for run in $(seq 1 "$RUNS"); do
        # The peers and both of our solvers back to back, so that they share the machine's
        # load of the moment.
        "$VENV/bin/python" "$BENCH_DIR/peers.py" "$file" \
            --solver parse,ortools_maxflow,da_python > "$DATA/peers.$n.txt"
        for solver in optimal stable; do
            /usr/bin/time -v "$CARREL" match-file "$file" --solver "$solver" \
                > "$DATA/carrel.$solver.$n.txt" 2> "$DATA/time.$solver.$n.txt"
        done

        p="$DATA/peers.$n.txt"
        o="$DATA/carrel.optimal.$n.txt"
        s="$DATA/carrel.stable.$n.txt"
        parse=$(value parse_seconds "$o")
        py_parse=$(peer parse "$p" parse_s)
        r=$(ratio "$py_parse" "$parse")
        row "$n" "$run" "parse_s(python)" "$parse" "$py_parse" "${r}x" "faster >= 5x" \
            "$(meets "$r" ">=" 5)"
        optimal=$(value solve_seconds "$o")
        ortools=$(peer ortools_maxflow "$p" solve_s)
        r=$(ratio "$ortools" "$optimal")
        row "$n" "$run" "optimal_s(ortools)" "$optimal" "$ortools" "${r}x" "faster >= 10x" \
            "$(meets "$r" ">=" 10)"
        same=no
        if [ "$(value matched "$o") $(value total_score "$o")" = \
            "$(peer ortools_maxflow "$p" matched) $(peer ortools_maxflow "$p" total_score)" ]; then
            same=yes
        fi
        row "$n" "$run" "optimum(ortools)" "$(value matched "$o")/$(value total_score "$o")" \
            "$(peer ortools_maxflow "$p" matched)/$(peer ortools_maxflow "$p" total_score)" \
            - "equal" "$same"
        stable=$(value solve_seconds "$s")
        r=$(ratio "$stable" "$(value parse_seconds "$s")")
        row "$n" "$run" "stable_s(parse)" "$stable" "$(value parse_seconds "$s")" "$r" \
            "<= 1" "$(meets "$r" "<=" 1)"
        same=no
        if [ "$(value matched "$s") $(value total_score "$s")" = \
            "$(peer da_python "$p" matched) $(peer da_python "$p" total_score)" ]; then
            same=yes
        fi
        row "$n" "$run" "stable(da_python)" "$stable" "$(peer da_python "$p" solve_s)" \
            "$(ratio "$(peer da_python "$p" solve_s)" "$stable")x" "same result" "$same"
        for solver in optimal stable; do
            rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$DATA/time.$solver.$n.txt")
            r=$(ratio "$rss" "$file_kb")
            row "$n" "$run" "rss_mb_$solver(file)" "$((rss / 1024))" "$((file_kb / 1024))" "$r" \
                "<= 1" "$(meets "$r" "<=" 1)"
        done
    done
done
