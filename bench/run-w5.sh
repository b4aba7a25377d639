#!/usr/bin/env bash
# W5 (DESIGN.md §5): a 51x51 filter-normalised loss surface of MLP 784-200-10 tanh on 1,000 samples,
# Gradscope (`gradscope bench landscape`) against PyTorch 1.13 doing loss-landscape's loop
# (bench/peers/w5_torch.py, first ROWS rows timed and extrapolated), same thread count, interleaved,
# medians over ROUNDS. Needs jq and Debian's python3-torch (never a CI dependency).
# Usage: [THREADS=2] [ROWS=3] bench/run-w5.sh [ROUNDS] [DTYPES...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}; shift || true
dtypes=("${@:-float32}")
threads=${THREADS:-2}; rows=${ROWS:-3}
py=/usr/bin/python3
./gradscope --version >/dev/null
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); threads: $threads"
printf "%-8s %8s %12s %14s %9s %12s %12s\n" dtype mode "gs points/s" "torch points/s" ratio "gs memory" "torch memory"
for dt in "${dtypes[@]}"; do
  for mode in auto direct; do
    gs=(); pt=(); mem=(); rss=()
    for ((r = 0; r < rounds; r++)); do
      g=$(DOTNET_PROCESSOR_COUNT=$threads OPENBLAS_NUM_THREADS=$threads ./gradscope bench landscape --dtype "$dt" --mode "$mode" --json)
      t=$($py bench/peers/w5_torch.py --dtype "$dt" --threads "$threads" --rows "$rows" | tail -n 1)
      gs+=("$(jq -r .points_per_s <<<"$g")"); pt+=("$(jq -r .points_per_s <<<"$t")")
      mem+=("$(jq -r .memory_ratio <<<"$g")"); rss+=("$(jq -r '(.model_data_mb + .peak_rss_mb - .baseline_rss_mb) / .model_data_mb' <<<"$t")")
    done
    g=$(printf '%s\n' "${gs[@]}" | median); t=$(printf '%s\n' "${pt[@]}" | median)
    printf "%-8s %8s %12.1f %14.1f %8.1fx %11.2fx %11.1fx\n" "$dt" "$mode" "$g" "$t" "$(echo "$g / $t" | bc -l)" \
      "$(printf '%s\n' "${mem[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
