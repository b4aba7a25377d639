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

# PostgreSQL for the PostgreSQL run-store tests (Lab/Store, issue 6): Debian's server package when
# missing, then a throw-away cluster (initdb refuses to run as root, so as user nobody when we are
# root) on a free loopback port with a socket directory of its own, password authentication, and
# database gradscope_test; GRADSCOPE_TEST_POSTGRES names it for the tests. Stopped and removed on
# exit. A GRADSCOPE_TEST_POSTGRES set by the caller is used as it is. Without a server the
# PostgreSQL tests return early and say so.
pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
pg_tmp=""
pg_as=()
pg_stop() {
  if [[ -n $pg_tmp ]]; then
    if [[ -f $pg_tmp/data/postmaster.pid ]]; then
      (cd / && "${pg_as[@]}" "$(pg_bin_dir)/pg_ctl" -D "$pg_tmp/data" -m immediate -w stop) >/dev/null 2>&1
    fi
    rm -rf "$pg_tmp"
  fi
}
pg_start() {
  if [[ -z $(pg_bin_dir) ]] && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    echo "test.sh: installing postgresql (for the PostgreSQL store tests)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1
  fi
  local bin; bin=$(pg_bin_dir)
  [[ -n $bin && -x $bin/initdb ]] || { pg_why="PostgreSQL server programs not found (apt-get install postgresql)"; return 1; }
  pg_tmp=$(mktemp -d /tmp/gradscope-pg.XXXXXX) || { pg_why="mktemp failed"; return 1; }
  if [[ $(id -u) == 0 ]]; then
    chown nobody "$pg_tmp" && pg_as=(runuser -u nobody --) || { pg_why="cannot hand $pg_tmp to user nobody"; return 1; }
  fi
  local pw; pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" >"$pg_tmp/pw" && chmod 644 "$pg_tmp/pw"
  local locale
  for locale in C.UTF-8 C; do   # C.UTF-8 where the system has it (Debian does), else plain C
    (cd / && "${pg_as[@]}" "$bin/initdb" -D "$pg_tmp/data" -U gradscope --pwfile="$pg_tmp/pw" \
        --auth=scram-sha-256 -E UTF8 --locale=$locale) >"$pg_tmp/initdb.log" 2>&1 && break
  done
  [[ -f $pg_tmp/data/PG_VERSION ]] || { pg_why="initdb failed: $(tail -n 3 "$pg_tmp/initdb.log")"; return 1; }
  local port="" try
  for try in 1 2 3 4 5 6 7 8; do
    local p=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue   # something listens there
    if (cd / && "${pg_as[@]}" "$bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -t 60 \
          -o "-p $p -k $pg_tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start) >/dev/null 2>&1; then
      port=$p; break
    fi
  done
  [[ -n $port ]] || { pg_why="the server did not start: $(tail -n 3 "$pg_tmp/server.log" 2>/dev/null)"; return 1; }
  PGPASSWORD=$pw "$bin/psql" -h 127.0.0.1 -p "$port" -U gradscope -d postgres -qAt -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE gradscope_test" >/dev/null 2>"$pg_tmp/psql.log" \
    || { pg_why="CREATE DATABASE failed: $(cat "$pg_tmp/psql.log")"; return 1; }
  export GRADSCOPE_TEST_POSTGRES="postgres://gradscope:$pw@127.0.0.1:$port/gradscope_test"
  echo "test.sh: PostgreSQL $("$bin/postgres" --version | grep -o '[0-9][0-9.]*' | head -n 1) on 127.0.0.1:$port for the store tests" >&2
}
pg_why=""
if [[ -z ${GRADSCOPE_TEST_POSTGRES:-} ]]; then
  trap pg_stop EXIT
  trap 'exit 130' INT TERM   # so that the EXIT trap stops the server on Ctrl-C too
  pg_start || echo "test.sh: no PostgreSQL for the store tests, they return early: $pg_why" >&2
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
