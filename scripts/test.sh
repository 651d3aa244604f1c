#!/usr/bin/env bash
# Runs every test suite, in order, stopping at the first failure.
#
#   bash scripts/test.sh                 all suites (what `npm test` and CI run)
#   bash scripts/test.sh rust js         only the named suites (setup still runs first)
#
# Suites: fmt clippy clippy-wasm rust safetensors keras wasm-chrome wasm-chrome-relaxed wasm-firefox build-wasm vite-build js e2e engines
# Knobs:  SKIP_SETUP=1   do not run scripts/setup.sh first
#         WASM_BINDGEN_TEST_TIMEOUT=900   seconds per wasm test binary in a browser (most tests are one binary)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARGO_BIN="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# wasm-bindgen-test-runner gives each test binary 20 s in the browser by default: too short for
# training tests on a loaded 2-core machine.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-900}"

ALL_SUITES=(fmt clippy clippy-wasm rust safetensors keras wasm-chrome wasm-chrome-relaxed wasm-firefox build-wasm vite-build js e2e engines)
if (($#)); then
  SUITES=("$@")
  for s in "${SUITES[@]}"; do
    [[ " ${ALL_SUITES[*]} " == *" $s "* ]] || {
      echo "test.sh: unknown suite '$s' (known: ${ALL_SUITES[*]})" >&2
      exit 2
    }
  done
else
  SUITES=("${ALL_SUITES[@]}")
fi

now() { date +%s%N; }
secs() { # nanoseconds -> "12.3s"
  awk -v ns="$1" 'BEGIN { printf "%.1fs", ns / 1e9 }'
}

T0="$(now)"
SUMMARY=()
PASSED=0
SKIPPED=0

finish() { # exit code
  local rc="$1" failed=0
  ((rc == 0)) || failed=1
  echo
  echo "================================================================================"
  echo " summary"
  echo "================================================================================"
  local line
  for line in "${SUMMARY[@]}"; do echo "  $line"; done
  echo "  total: $(secs $(($(now) - T0)))"
  echo "suites: $PASSED passed, $failed failed, $SKIPPED skipped"
  exit "$rc"
}

# run_suite NAME COMMAND...: banner, run, time; stop everything on failure.
run_suite() {
  local name="$1"
  shift
  echo
  echo "================================================================================"
  echo " $name: $*"
  echo "================================================================================"
  local t rc=0
  t="$(now)"
  "$@" || rc=$?
  local dt
  dt="$(secs $(($(now) - t)))"
  if ((rc != 0)); then
    echo "---- FAILED: $name (exit $rc, $dt)"
    SUMMARY+=("FAIL  $name  ($dt)")
    finish "$rc"
  fi
  echo "---- ok: $name ($dt)"
  SUMMARY+=("ok    $name  ($dt)")
  PASSED=$((PASSED + 1))
}

skip_suite() { # name reason
  echo
  echo "---- skipped: $1 ($2)"
  SUMMARY+=("skip  $1  ($2)")
  SKIPPED=$((SKIPPED + 1))
}

# The safetensors export, loaded by Python (safetensors + NumPy) and run through a NumPy forward
# pass that must reproduce this crate's probabilities for real test images.
check_safetensors() {
  local out=target/safetensors-check
  cargo run --release --quiet --example export_safetensors -- "$out" &&
    python3 scripts/check_safetensors.py "$out/model.safetensors" "$out/expected.json"
}

# Keras 3 itself against the page's files: the pretrained model exported as .keras (and TF.js) by
# the page's own code in Node, loaded, scored and saved again by Keras; Keras' files, and the
# seed's model as Keras saves it, read back by the page's import (scripts/keras-files.mjs,
# scripts/check_keras.py). Needs the wasm package (build-wasm) and the venv setup installs.
check_keras() {
  local out=target/keras-check
  local python="${KERAS_VENV:-$HOME/.cache/mnist-wasm/keras-venv}/bin/python"
  [[ -f pkg/mnist_wasm_bg.wasm ]] || bash scripts/build-wasm.sh || return
  node scripts/keras-files.mjs export "$out" &&
    node scripts/keras-files.mjs tfjs "$out/mnist-tfjs.zip" "$out/expected.json" &&
    node scripts/keras-files.mjs readme-tfjs "$out/mnist-tfjs.zip" &&
    KERAS_BACKEND=jax JAX_PLATFORMS=cpu "$python" scripts/check_keras.py "$out" &&
    node scripts/keras-files.mjs import "$out/resaved.keras" "$out/resaved-expected.json" 1e-4 &&
    node scripts/keras-files.mjs import "$out/seed.keras" "$out/seed-expected.json" 1e-5 &&
    node scripts/keras-files.mjs refuse "$out/dense128.keras" "^Layer 7, dense\\w*, is Dense 128, relu in the file; this page's network has Dense 64, relu there\\.$"
}

# The relaxed-SIMD build's flags, shared with scripts/build-wasm.sh.
RELAXED_RUSTFLAGS="$(bash scripts/build-wasm.sh --relaxed-rustflags)"

if [[ -z "${SKIP_SETUP:-}" ]]; then
  run_suite setup bash scripts/setup.sh
fi

for suite in "${SUITES[@]}"; do
  case "$suite" in
    fmt) run_suite fmt cargo fmt --check ;;
    clippy) run_suite clippy cargo clippy --all-targets -- -D warnings ;;
    clippy-wasm)
      run_suite clippy-wasm cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
      ;;
    rust) run_suite rust cargo test --release ;;
    wasm-chrome)
      run_suite wasm-chrome wasm-pack test --mode no-install --headless --chrome --release
      ;;
    wasm-chrome-relaxed)
      # The relaxed-SIMD build (pkg-relaxed/: fused multiply-adds) through the same tests: the
      # kernel tests' error bounds hold for any rounding of the products (see their headers).
      run_suite wasm-chrome-relaxed env RUSTFLAGS="$RELAXED_RUSTFLAGS" CARGO_TARGET_DIR="$PWD/target/relaxed" \
        wasm-pack test --mode no-install --headless --chrome --release
      ;;
    wasm-firefox)
      run_suite wasm-firefox wasm-pack test --mode no-install --headless --firefox --release
      ;;
    build-wasm) run_suite build-wasm bash scripts/build-wasm.sh all ;;
    safetensors) run_suite safetensors check_safetensors ;;
    keras) run_suite keras check_keras ;;
    vite-build) run_suite vite-build npx --no-install vite build --logLevel warn ;;
    js) run_suite js node --test tests/js/ ;;
    e2e) run_suite e2e node --test tests/e2e/ ;;
    engines) run_suite engines node --test tests/engines/ ;;
  esac
done

finish 0
