#!/usr/bin/env bash
# The project's test command (README quick start). Installs the optional native pieces the tests
# exercise when they are missing (Debian packages; skipped quietly when apt is unavailable),
# runs the whole suite and prints a final "N passed, N failed, N skipped" line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Optional Debian packages the tests exercise when present: OpenBLAS (native GEMM/LAPACK backend)
# the Fashion-MNIST files (real-data loader tests) and DejaVu fonts (text in report plots). Without them those paths are tested
# through their fallbacks and error messages instead.
wanted=()
for pkg in libopenblas0-pthread dataset-fashion-mnist fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || wanted+=("$pkg")
done
if (( ${#wanted[@]} > 0 )) && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "test.sh: installing ${wanted[*]} (optional)" >&2
  (apt-get update -qq && apt-get install -y -qq "${wanted[@]}") >/dev/null 2>&1 \
    || echo "test.sh: could not install ${wanted[*]}; the tests use the fallbacks" >&2
fi

results="$(mktemp -d)"
dotnet test Gradscope.slnx -c Release --logger "trx;LogFileName=results.trx" \
  --results-directory "$results" 2>&1 | tee "$results/log.txt" | grep -vE '^\s*$' | tail -n 40
status=${PIPESTATUS[0]}

# Count outcomes from the TRX report (xunit skips count as skipped).
passed=0; failed=0; skipped=0
if compgen -G "$results/*.trx" >/dev/null; then
  for f in "$results"/*.trx; do
    counters=$(grep -o '<Counters[^>]*>' "$f")
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(get passed))); failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
    skipped=$((skipped + $(get notExecuted)))
  done
fi
if [[ $status != 0 && $failed == 0 ]]; then failed=1; fi   # build or runner failure counts as a failure
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
