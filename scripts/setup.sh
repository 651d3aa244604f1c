#!/usr/bin/env bash
# Installs everything the build and the test suites need, and nothing that is already there.
#
#   rustup target wasm32-unknown-unknown
#   wasm-pack               (cargo install, pinned: WASM_PACK_VERSION)
#   wasm-bindgen-cli        (cargo install, exactly the wasm-bindgen version in Cargo.lock)
#   chromium chromium-driver firefox-esr            (Debian packages)
#   webkit2gtk-driver xvfb  (Debian: WebKitWebDriver and MiniBrowser, and a virtual display)
#   geckodriver             (cargo install, pinned: GECKODRIVER_VERSION)
#   Keras 3 + JAX (CPU)     (pip, once, into its own venv: KERAS_VENV) for the `keras` suite
#   node_modules            (npm ci, when missing or older than package-lock.json); this also
#                           brings wasm-opt: npm's binaryen (Debian's binaryen 108 corrupts
#                           wasm-bindgen's externref table export, so it is not used)
#
# Everything comes from crates.io, Debian or npm: no step downloads a prebuilt binary
# (wasm-pack is later run with `--mode no-install`, so it cannot either).
# Prints one line per item: "ok: X" or "installing: X". Safe to run again; fast when all is there.
#
# Knobs (environment):
#   WASM_PACK_VERSION=0.15.1    GECKODRIVER_VERSION=0.37.1
#   SETUP_SKIP_APT=1            skip the Debian packages (e.g. a machine without the browsers)
#   SETUP_SKIP_NPM=1            skip npm ci
#   KERAS_VENV=~/.cache/mnist-wasm/keras-venv   where Keras 3 is installed (~700 MB, once)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

WASM_PACK_VERSION="${WASM_PACK_VERSION:-0.15.1}"
GECKODRIVER_VERSION="${GECKODRIVER_VERSION:-0.37.1}"
APT_PACKAGES=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb)

# cargo-installed tools land in $CARGO_INSTALL_ROOT/bin or $CARGO_HOME/bin.
CARGO_BIN="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

ok() { echo "ok: $*"; }
STEP_START=0
installing() {
  echo "installing: $*"
  STEP_START=$SECONDS
}
installed() { echo "installed: $* ($((SECONDS - STEP_START))s)"; }
die() {
  echo "setup: error: $*" >&2
  exit 1
}

# `cargo install --locked` first (reproducible); if that fails (e.g. the registry mirror lacks
# a version the crate's own lockfile pins), retry without --locked, still at the exact version.
# The installs share one build dir (removed on exit), so crates they have in common are built once.
TOOL_BUILD_DIR=""
cargo_install() { # crate version
  local crate="$1" version="$2"
  if [[ -z "$TOOL_BUILD_DIR" ]]; then
    TOOL_BUILD_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mnist-wasm-tools.XXXXXX")"
    trap 'rm -rf "$TOOL_BUILD_DIR"' EXIT
  fi
  if ! CARGO_TARGET_DIR="$TOOL_BUILD_DIR" cargo install --quiet --locked "$crate" --version "=$version"; then
    echo "setup: 'cargo install --locked $crate@$version' failed; retrying without --locked" >&2
    CARGO_TARGET_DIR="$TOOL_BUILD_DIR" cargo install --quiet "$crate" --version "=$version"
  fi
}

# Version printed by `TOOL --version` ("wasm-pack 0.15.1" -> "0.15.1"), or empty.
tool_version() {
  command -v "$1" >/dev/null 2>&1 || return 0
  local out
  out="$("$1" --version 2>/dev/null || true)"
  out="${out%%$'\n'*}"       # first line
  out="${out#* }"             # drop the tool name
  out="${out%% *}"            # drop anything after the version
  echo "${out#v}"
}

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
command -v rustup >/dev/null || die "rustup not found: the wasm32 target is added with rustup"

# --- rustup target ---------------------------------------------------------------------------
installed_targets="$(rustup target list --installed)"
if grep -qx wasm32-unknown-unknown <<<"$installed_targets"; then
  ok "rust target wasm32-unknown-unknown"
else
  installing "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
  installed "rust target wasm32-unknown-unknown"
fi

# --- wasm-pack ---------------------------------------------------------------------------------
if [[ "$(tool_version wasm-pack)" == "$WASM_PACK_VERSION" ]]; then
  ok "wasm-pack $WASM_PACK_VERSION"
else
  installing "wasm-pack $WASM_PACK_VERSION"
  cargo_install wasm-pack "$WASM_PACK_VERSION"
  installed "wasm-pack $WASM_PACK_VERSION"
fi

# --- wasm-bindgen-cli (must equal the wasm-bindgen crate version in Cargo.lock) ---------------
if [[ ! -f Cargo.lock ]]; then
  cargo generate-lockfile --quiet
fi
lock_version() { # crate name -> version in Cargo.lock
  awk -v name="$1" '
    /^\[\[package\]\]/ { inpkg = 1; found = 0; next }
    inpkg && $1 == "name" { found = ($3 == "\"" name "\"") }
    inpkg && found && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock
}
WASM_BINDGEN_VERSION="$(lock_version wasm-bindgen)"
if [[ -z "$WASM_BINDGEN_VERSION" ]]; then
  # Cargo.lock may predate the wasm32-only dependency; let cargo resolve it.
  cargo metadata --format-version 1 >/dev/null
  WASM_BINDGEN_VERSION="$(lock_version wasm-bindgen)"
fi
[[ -n "$WASM_BINDGEN_VERSION" ]] || die "no wasm-bindgen package in Cargo.lock"
if [[ "$(tool_version wasm-bindgen)" == "$WASM_BINDGEN_VERSION" ]] &&
  [[ "$(tool_version wasm-bindgen-test-runner)" == "$WASM_BINDGEN_VERSION" ]]; then
  ok "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
else
  installing "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
  installed "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
fi

# --- Debian packages: browsers and their WebDriver -----------------------------------------
if [[ -n "${SETUP_SKIP_APT:-}" ]]; then
  ok "debian packages skipped (SETUP_SKIP_APT)"
else
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" == "install ok installed" ]]; then
      ok "$pkg (debian)"
    else
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]})); then
    if [[ "$(id -u)" != 0 ]]; then
      echo "setup: missing Debian packages: ${missing[*]}" >&2
      echo "setup: run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
    installing "${missing[*]} (debian)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
    installed "${missing[*]} (debian)"
  fi
fi

# --- geckodriver -----------------------------------------------------------------------------
if [[ "$(tool_version geckodriver)" == "$GECKODRIVER_VERSION" ]]; then
  ok "geckodriver $GECKODRIVER_VERSION"
else
  installing "geckodriver $GECKODRIVER_VERSION"
  cargo_install geckodriver "$GECKODRIVER_VERSION"
  installed "geckodriver $GECKODRIVER_VERSION"
fi

# --- node_modules ----------------------------------------------------------------------------
if [[ -n "${SETUP_SKIP_NPM:-}" ]]; then
  ok "node_modules skipped (SETUP_SKIP_NPM)"
else
  command -v npm >/dev/null || die "npm not found: install Node.js (>= 20.19) first"
  # npm writes node_modules/.package-lock.json on every install.
  if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
    ok "node_modules"
  else
    installing "node_modules (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    installed "node_modules (npm ci)"
  fi
fi

# --- Python packages for the safetensors check (scripts/check_safetensors.py) ------------------
command -v python3 >/dev/null || die "python3 not found: install Python 3 (Debian: python3 python3-pip)"
if python3 -c "import numpy, safetensors" 2>/dev/null; then
  ok "python numpy + safetensors"
else
  installing "python numpy + safetensors (pip)"
  python3 -m pip install --quiet --disable-pip-version-check numpy safetensors
  installed "python numpy + safetensors (pip)"
fi

# --- Keras 3 for the keras suite (scripts/check_keras.py) ---------------------------------------
# Its own venv, so the system's Python stays as it is; the JAX backend runs on the CPU without
# TensorFlow. About 700 MB, installed once: skipped whenever the venv imports keras already.
KERAS_VENV="${KERAS_VENV:-$HOME/.cache/mnist-wasm/keras-venv}"
if KERAS_BACKEND=jax "$KERAS_VENV/bin/python" -c "import keras, h5py, jax" 2>/dev/null; then
  ok "keras 3 + jax ($KERAS_VENV)"
else
  installing "keras 3 + jax (pip, into $KERAS_VENV)"
  python3 -m venv "$KERAS_VENV" || die "python3 -m venv failed: install python3-venv (Debian) and run setup again"
  "$KERAS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check keras h5py jax scipy
  installed "keras 3 + jax (pip, into $KERAS_VENV)"
fi
