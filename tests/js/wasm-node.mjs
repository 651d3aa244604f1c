// The real wasm package (pkg/, built by `bash scripts/build-wasm.sh`) loaded in Node, for tests
// that need the core's own schema, model description or error names rather than copies.
// Also a toy IDX data set for the tests that train through it.
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

/**
 * A learnable toy set as IDX files `{ images, labels }`: class k (image i is class (7i + 3) mod 10)
 * is a bar on row 2k + 4 of brightness `pixel(i)`.
 */
export function toyIdx(n, pixel = () => 255) {
  const images = new Uint8Array(16 + n * 784);
  const labels = new Uint8Array(8 + n);
  const view = new DataView(images.buffer);
  view.setUint32(0, 2051);
  view.setUint32(4, n);
  view.setUint32(8, 28);
  view.setUint32(12, 28);
  new DataView(labels.buffer).setUint32(0, 2049);
  new DataView(labels.buffer).setUint32(4, n);
  for (let i = 0; i < n; i++) {
    const k = (i * 7 + 3) % 10;
    labels[8 + i] = k;
    for (let x = 4; x < 24; x++) images[16 + i * 784 + (2 * k + 4) * 28 + x] = pixel(i);
  }
  return { images, labels };
}
