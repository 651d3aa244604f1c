// The real wasm package (pkg/, built by `bash scripts/build-wasm.sh`) loaded in Node, for tests
// that need the core's own schema, model description or error names rather than copies.
// Node runs WebAssembly SIMD128, so this is the same build the page loads.
import { readFile } from 'node:fs/promises';

const PKG = new URL('../../pkg/', import.meta.url);
let facade = null;

/** The initialised exports of pkg/mnist_wasm.js; fails with a hint when pkg/ is missing. */
export async function loadFacade() {
  if (facade) return facade;
  let bytes;
  try {
    bytes = await readFile(new URL('mnist_wasm_bg.wasm', PKG));
  } catch (err) {
    throw new Error(`pkg/ is missing (${err.code}): run \`bash scripts/build-wasm.sh\` first`);
  }
  const mod = await import(new URL('mnist_wasm.js', PKG).href);
  mod.initSync({ module: bytes });
  facade = mod;
  return facade;
}
