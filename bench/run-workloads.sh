#!/usr/bin/env bash
# Benchmark workloads W1 and W2 (design notes §5, issue 3 "Targets") against their PyTorch peers.
#
#   bench/run-workloads.sh [--repeats R] [--threads N] [--python PATH]
#
# Builds the CLI once (./gradscope --version) and copies the build to a throw-away directory, so
# that a rebuild by someone else during the benchmark cannot change the binary being measured.
# Then, R times, runs every workload with Gradscope and with its PyTorch peer back to back
# (the order flips every round, so a drift of the machine's load hits both sides alike):
#   w1        bench/workloads/w1-deep-linear.yaml         vs bench/peers/w1_torch.py
#   w1-nolog  bench/workloads/w1-deep-linear-nolog.yaml   (no peer: the baseline of W1's logging cost)
#   w2        bench/workloads/w2-relu-mlp.yaml            vs bench/peers/w2_torch.py
# Gradscope's time is the run's summary.wall_seconds (the training loop only: no process start,
# build or data generation); the peers time their training loop the same way. The float32 GEMM
# ceiling (OpenBLAS, n = 1024) is measured in the same run for W2's fraction of peak.
# Prints medians: seconds, µs per step, speedup = pytorch / gradscope, W2's GFLOP/s and fraction
# of the ceiling, and W1's logging overhead = w1 / w1-nolog − 1.
#
# Runs are stored in a temporary store under /tmp, removed at the end. The PyTorch peers need
# python3 with torch (Debian: python3-torch); without it the script says so and reports only
# Gradscope's side. CI never runs this script.
set -euo pipefail

repeats=5
threads=2
python=${PYTHON:-/usr/bin/python3}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-workloads.sh: unknown argument '$1' (expected --repeats R, --threads N, --python PATH)" >&2; exit 2 ;;
  esac
done
if ! [[ "$repeats" =~ ^[1-9][0-9]*$ ]]; then
  echo "run-workloads.sh: --repeats must be a positive integer, got '$repeats'" >&2; exit 2
fi
if ! [[ "$threads" =~ ^[1-9][0-9]*$ ]]; then
  echo "run-workloads.sh: --threads must be a positive integer, got '$threads'" >&2; exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d /tmp/gradscope-workloads.XXXXXX)"
trap 'rm -rf "$work"' EXIT
store="$work/store"

# --- the PyTorch side ------------------------------------------------------------------------
have_torch=0
if torch_version="$("$python" -c 'import torch; print(torch.__version__)' 2>/dev/null)"; then
  have_torch=1
  echo "PyTorch peers: $python, torch $torch_version, $threads thread(s)" >&2
else
  echo "" >&2
  echo "*** PyTorch NOT AVAILABLE: '$python' cannot import torch (Debian: apt-get install python3-torch," >&2
  echo "*** or pass --python PATH). Only Gradscope's side is measured; no speedups are printed." >&2
  echo "" >&2
fi

# --- build once, then pin the binary ---------------------------------------------------------
echo "building ..." >&2
./gradscope --version >/dev/null
cp -r "$root/.build/cli" "$work/cli"
gs() { dotnet "$work/cli/Gradscope.Cli.dll" "$@"; }

# Runs one spec; prints the loop's wall seconds.
gs_run() {
  local out id show
  out="$(gs run "$1" --store "$store" --json 2>"$work/last.log")" || { cat "$work/last.log" >&2; echo "gradscope run $1 failed" >&2; exit 1; }
  id="$(jq -r .id <<<"$out")"
  show="$(gs show "$id" --store "$store" --json 2>/dev/null)"
  if [[ "$(jq -r .status <<<"$show")" != completed ]]; then
    echo "gradscope run $1: status $(jq -r .status <<<"$show"): $(jq -r .error <<<"$show")" >&2; exit 1
  fi
  jq -r .summary.wall_seconds <<<"$show"
}

# Runs one peer; prints its training-loop seconds.
peer_run() {
  local out
  out="$("$python" "$1" --threads "$threads")" || { echo "peer $1 failed" >&2; exit 1; }
  jq -r .seconds <<<"$out"
}

gemm_ceiling() {
  gs bench gemm --sizes 1024 --dtype float32 --backend openblas --json 2>/dev/null | jq -r '.results[0].gflops'
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }

declare -A steps=([w1]=20000 [w1-nolog]=20000 [w2]=500)
declare -A spec=([w1]=bench/workloads/w1-deep-linear.yaml [w1-nolog]=bench/workloads/w1-deep-linear-nolog.yaml [w2]=bench/workloads/w2-relu-mlp.yaml)
declare -A peer=([w1]=bench/peers/w1_torch.py [w2]=bench/peers/w2_torch.py)
: >"$work/gs.tsv"; : >"$work/pt.tsv"; : >"$work/gemm.txt"

echo "load before: $(uptime)" >&2
for ((r = 1; r <= repeats; r++)); do
  gemm_ceiling >>"$work/gemm.txt"
  for w in w1 w1-nolog w2; do
    # Alternate who goes first, so a change of load between the two runs favours neither side.
    order=(gs pt)
    if ((r % 2 == 0)); then order=(pt gs); fi
    for side in "${order[@]}"; do
      if [[ $side == gs ]]; then
        t="$(gs_run "${spec[$w]}")"
        printf '%s\t%s\n' "$w" "$t" >>"$work/gs.tsv"
        echo "round $r/$repeats  $w  gradscope  ${t}s" >&2
      elif [[ $have_torch == 1 && -n "${peer[$w]:-}" ]]; then
        t="$(peer_run "${peer[$w]}")"
        printf '%s\t%s\n' "$w" "$t" >>"$work/pt.tsv"
        echo "round $r/$repeats  $w  pytorch    ${t}s" >&2
      fi
    done
  done
done
echo "load after:  $(uptime)" >&2

col() { awk -v w="$1" -F'\t' '$1 == w { print $2 }' "$2" | median; }
# The ceiling is the best of the R GEMM measurements: load only ever lowers it.
ceiling="$(sort -g "$work/gemm.txt" | tail -1)"
ceiling_median="$(median <"$work/gemm.txt")"
# Dense FLOPs of one W2 step: forward 2·n·(100·512 + 512·1), backward about twice the forward.
w2_flops=$((3 * 2 * 2048 * (100 * 512 + 512 * 1)))

echo
echo "Workloads, medians of $repeats interleaved runs ($threads threads; training loop only)"
printf '%-9s %7s %12s %12s %12s %12s %9s\n' workload steps gradscope_s pytorch_s gs_us/step pt_us/step speedup
for w in w1 w1-nolog w2; do
  g="$(col "$w" "$work/gs.tsv")"
  p=nan
  if [[ $have_torch == 1 && -n "${peer[$w]:-}" ]]; then p="$(col "$w" "$work/pt.tsv")"; fi
  awk -v w="$w" -v n="${steps[$w]}" -v g="$g" -v p="$p" 'BEGIN {
    if (p == "nan") printf "%-9s %7d %12.3f %12s %12.1f %12s %9s\n", w, n, g, "-", 1e6 * g / n, "-", "-";
    else printf "%-9s %7d %12.3f %12.3f %12.1f %12.1f %8.2fx\n", w, n, g, p, 1e6 * g / n, 1e6 * p / n, p / g }'
done
g1="$(col w1 "$work/gs.tsv")"; g0="$(col w1-nolog "$work/gs.tsv")"; g2="$(col w2 "$work/gs.tsv")"
echo
awk -v a="$g1" -v b="$g0" 'BEGIN { printf "W1 logging overhead (loss every step vs. at steps 0 and 20000): %+.1f%%  (%.3f s vs %.3f s)\n", 100 * (a / b - 1), a, b }'
awk -v g="$g2" -v f="$w2_flops" -v c="$ceiling" -v cm="$ceiling_median" 'BEGIN {
  gf = f * 500 / g / 1e9
  printf "W2 achieved: %.1f GFLOP/s (%.3f GFLOP per step) = %.0f%% of the float32 GEMM ceiling measured in this run\n", gf, f / 1e9, 100 * gf / c
  printf "  (OpenBLAS n=1024: best %.1f, median %.1f GFLOP/s over the rounds), %.0f%% of the nominal 220\n", c, cm, 100 * gf / 220 }'
if [[ $have_torch == 1 && -s "$work/pt.tsv" ]]; then
  p2="$(col w2 "$work/pt.tsv")"
  awk -v p="$p2" -v f="$w2_flops" 'BEGIN { printf "W2 PyTorch achieved: %.1f GFLOP/s\n", f * 500 / p / 1e9 }'
else
  echo "*** PyTorch NOT AVAILABLE ($python cannot import torch): no peer columns, no speedups"
fi
echo "Targets (issue 3): W1 speedup >= 3x; W2 speedup >= 1.5x and >= 60% of the GEMM ceiling; W1 logging < 5%."
