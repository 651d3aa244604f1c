#!/usr/bin/env bash
# Runs the property tests of tests/fuzz.rs (IDX parser, weights loader) at scale, one test at a
# time on a release build, and prints for each its cases, time and verdict. CI runs the same
# tests at their small defaults (`cargo test --test fuzz`); this is the long run.
#
#   npm run fuzz                          1,000,000 cases per property
#   PROPTEST_CASES=20000 npm run fuzz     fewer
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARGO_BIN="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
export CARGO_TERM_COLOR=never
export PROPTEST_CASES="${PROPTEST_CASES:-1000000}"

cargo test --release --test fuzz --no-run
mapfile -t TESTS < <(cargo test -q --release --test fuzz -- --list 2>/dev/null | sed -n 's/: test$//p')

now() { date +%s%N; }
cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "fuzz: ${PROPTEST_CASES} cases per property, release build, one test at a time"
echo "cpu:  ${cpu:-unknown} ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-56s %12s %10s %12s %s\n' property cases seconds cases/s result
failed=0
for t in "${TESTS[@]}"; do
  t0="$(now)"
  rc=0
  out="$(cargo test -q --release --test fuzz -- --exact "$t" --test-threads=1 2>&1)" || rc=$?
  s="$(awk -v ns="$(($(now) - t0))" 'BEGIN { printf "%.1f", ns / 1e9 }')"
  if ((rc == 0)); then verdict="ok (0 failures)"; else verdict="FAILED"; failed=$((failed + 1)); fi
  printf '%-56s %12s %10s %12s %s\n' "$t" "$PROPTEST_CASES" "$s" \
    "$(awk -v n="$PROPTEST_CASES" -v s="$s" 'BEGIN { printf "%.0f", n / s }')" "$verdict"
  ((rc == 0)) || echo "$out" | tail -n 30
done
echo "properties: ${#TESTS[@]}, failed: $failed"
exit $((failed > 0))
