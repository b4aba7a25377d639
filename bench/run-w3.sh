#!/usr/bin/env bash
# W3 (DESIGN.md §5): Hessian-vector products per second of MLP 784-200-200-10 tanh (MSE, 1,000
# samples), Gradscope against PyTorch 1.13's double backward, interleaved in the same run; medians
# over ROUNDS rounds. Needs jq and Debian's python3-torch (never a CI dependency).
# Usage: bench/run-w3.sh [ROUNDS] [DTYPES...]   e.g. bench/run-w3.sh 3 float32 float64
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}; shift || true
dtypes=("${@:-float32}")
[[ ${#dtypes[@]} -eq 0 ]] && dtypes=(float32)
py=/usr/bin/python3
./gradscope --version >/dev/null
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-8s %12s %12s %8s %14s %12s\n" dtype "gs HVP/s" "torch HVP/s" ratio "lanczos HVPs" "power HVPs"
for dt in "${dtypes[@]}"; do
  gs=(); pt=(); lz=(); pw=()
  for ((r = 0; r < rounds; r++)); do
    g=$(./gradscope bench hessian --dtype "$dt" --json)
    t=$($py bench/peers/w3_torch.py --dtype "$dt" --threads 2 | tail -n 1)
    gs+=("$(jq -r .hvp_per_s <<<"$g")"); pt+=("$(jq -r .hvp_per_s <<<"$t")")
    lz+=("$(jq -r .lanczos_hvps_to_1e3 <<<"$g")"); pw+=("$(jq -r .power_iterations <<<"$t")")
  done
  g=$(printf '%s\n' "${gs[@]}" | median); t=$(printf '%s\n' "${pt[@]}" | median)
  printf "%-8s %12.2f %12.2f %7.2fx %14s %12s\n" "$dt" "$g" "$t" "$(echo "$g / $t" | bc -l)" \
    "$(printf '%s\n' "${lz[@]}" | median)" "$(printf '%s\n' "${pw[@]}" | median)"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
