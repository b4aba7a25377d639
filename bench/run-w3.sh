#!/usr/bin/env bash
# W3 (DESIGN.md §5): Hessian-vector products per second of MLP 784-200-200-10 tanh (MSE, 1,000
# samples), Gradscope against PyTorch 1.13's double backward, interleaved in the same run; medians
# over ROUNDS rounds. Needs jq and Debian's python3-torch (never a CI dependency).
# Both sides use THREADS threads (default 2; Gradscope via DOTNET_PROCESSOR_COUNT, PyTorch via
# torch.set_num_threads). PyTorch is timed rebuilding the graph per product (as a fresh HVP) and with
# PyHessian's retained graph; the ratio is against the faster of the two.
# Usage: [THREADS=1] bench/run-w3.sh [ROUNDS] [DTYPES...]   e.g. bench/run-w3.sh 3 float32 float64
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}; shift || true
dtypes=("${@:-float32}")
[[ ${#dtypes[@]} -eq 0 ]] && dtypes=(float32)
py=/usr/bin/python3
./gradscope --version >/dev/null
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
threads=${THREADS:-2}
echo "threads: $threads"
printf "%-8s %10s %12s %14s %8s %13s %11s\n" dtype "gs HVP/s" "torch fresh" "torch retained" ratio "lanczos HVPs" "power HVPs"
for dt in "${dtypes[@]}"; do
  gs=(); pt=(); pr=(); lz=(); pw=()
  for ((r = 0; r < rounds; r++)); do
    g=$(DOTNET_PROCESSOR_COUNT=$threads OPENBLAS_NUM_THREADS=$threads ./gradscope bench hessian --dtype "$dt" --json)
    t=$($py bench/peers/w3_torch.py --dtype "$dt" --threads "$threads" | tail -n 1)
    gs+=("$(jq -r .hvp_per_s <<<"$g")"); pt+=("$(jq -r .hvp_per_s <<<"$t")"); pr+=("$(jq -r .hvp_retained_per_s <<<"$t")")
    lz+=("$(jq -r .lanczos_hvps_to_1e3 <<<"$g")"); pw+=("$(jq -r .power_iterations <<<"$t")")
  done
  g=$(printf '%s\n' "${gs[@]}" | median); t=$(printf '%s\n' "${pt[@]}" | median); tr=$(printf '%s\n' "${pr[@]}" | median)
  best=$(echo "if ($tr > $t) $tr else $t" | bc -l)
  printf "%-8s %10.2f %12.2f %14.2f %7.2fx %13s %11s\n" "$dt" "$g" "$t" "$tr" "$(echo "$g / $best" | bc -l)" \
    "$(printf '%s\n' "${lz[@]}" | median)" "$(printf '%s\n' "${pw[@]}" | median)"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
