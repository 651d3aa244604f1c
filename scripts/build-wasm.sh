#!/usr/bin/env bash
# Builds the WebAssembly package the front end imports.
#
#   bash scripts/build-wasm.sh           SIMD128 build  -> pkg/         (target/)
#   bash scripts/build-wasm.sh scalar    no-SIMD build  -> pkg-scalar/  (target/scalar/)
#   bash scripts/build-wasm.sh relaxed   SIMD128 + relaxed SIMD -> pkg-relaxed/ (target/relaxed/)
#   bash scripts/build-wasm.sh all       all three
#
# The relaxed build's micro-kernels multiply-add with `f32x4.relaxed_madd` (a fused multiply-add
# where the CPU has one); www/wasm.js loads it where `WebAssembly.validate` says the engine
# has relaxed SIMD, and pkg/ stays the reference build everywhere else.
# The SIMD build takes its rustflags (+simd128, getrandom's wasm_js backend) from
# .cargo/config.toml. The scalar build replaces them through RUSTFLAGS (which overrides the
# config's rustflags entirely) with only the getrandom cfg, and uses its own target dir so the
# two builds do not invalidate each other's cache.
# wasm-opt is npm's binaryen (node_modules/.bin, put first on PATH here; wasm-pack runs the first
# wasm-opt on PATH): Debian's binaryen 108 writes the `__wbindgen_externrefs` export as the wrong
# table and the module then fails at init. Its flags come from
# [package.metadata.wasm-pack.profile.release] in Cargo.toml.
# `--mode no-install` keeps wasm-pack from downloading anything (wasm-bindgen must be on PATH:
# scripts/setup.sh installs it and node_modules).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RELAXED_RUSTFLAGS='-C target-feature=+simd128,+relaxed-simd --cfg getrandom_backend="wasm_js"'
if [[ "${1:-}" == --relaxed-rustflags ]]; then # for scripts/test.sh's relaxed suite
  echo "$RELAXED_RUSTFLAGS"
  exit 0
fi

CARGO_BIN="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
export PATH="$PWD/node_modules/.bin:$PATH"

MIN_WASM_OPT=116
wasm_opt_version="$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -n1 || true)"
if [[ -z "$wasm_opt_version" || "$wasm_opt_version" -lt "$MIN_WASM_OPT" ]]; then
  echo "build-wasm: need wasm-opt >= $MIN_WASM_OPT (npm's binaryen), found: $(command -v wasm-opt || echo none) ${wasm_opt_version:-}" >&2
  echo "build-wasm: run 'bash scripts/setup.sh' (npm ci) first" >&2
  exit 1
fi

# build OUT_DIR TARGET_DIR RUSTFLAGS: one package; an empty TARGET_DIR/RUSTFLAGS keeps the defaults
# (target/ and .cargo/config.toml's rustflags).
build() {
  (
    unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_TARGET_DIR
    [[ -n "$2" ]] && export CARGO_TARGET_DIR="$PWD/$2"
    [[ -n "$3" ]] && export RUSTFLAGS="$3"
    wasm-pack build --mode no-install --target web --release --out-dir "$1"
  )
}

build_simd() {
  echo "build-wasm: SIMD128 build -> pkg/"
  build pkg "" ""
}

build_scalar() {
  echo "build-wasm: scalar (no SIMD) build -> pkg-scalar/"
  build pkg-scalar target/scalar '--cfg getrandom_backend="wasm_js"'
}

build_relaxed() {
  echo "build-wasm: SIMD128 + relaxed SIMD build -> pkg-relaxed/"
  build pkg-relaxed target/relaxed "$RELAXED_RUSTFLAGS"
}

case "${1:-simd}" in
  simd) build_simd ;;
  scalar) build_scalar ;;
  relaxed) build_relaxed ;;
  all)
    build_simd
    build_scalar
    build_relaxed
    ;;
  *)
    echo "usage: $0 [simd|scalar|relaxed|all]" >&2
    exit 2
    ;;
esac
