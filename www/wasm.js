// Loads the wasm package in the worker: the SIMD128 build (pkg/, `npm run build:wasm`) where the
// browser has SIMD, else the scalar build (pkg-scalar/, `npm run build:wasm-scalar`) if it was
// built. import.meta.glob lets the bundle include whichever builds exist without failing on a
// missing one. The module is compiled once, by the training worker; its compute workers
// instantiate that same `WebAssembly.Module` (`instantiateBuild`), so nothing is compiled twice.
import { simdSupported } from './browser-support.js';

const BUILDS = import.meta.glob(['../pkg/mnist_wasm.js', '../pkg-scalar/mnist_wasm.js']);
const BINARIES = import.meta.glob(['../pkg/mnist_wasm_bg.wasm', '../pkg-scalar/mnist_wasm_bg.wasm'], {
  query: '?url',
  import: 'default',
});
const DIRS = { simd: '../pkg/', scalar: '../pkg-scalar/' };
const SIMD_BUILD = BUILDS['../pkg/mnist_wasm.js'];
const SCALAR_BUILD = BUILDS['../pkg-scalar/mnist_wasm.js'];

async function compile(build) {
  const url = await BINARIES[`${DIRS[build]}mnist_wasm_bg.wasm`]();
  const response = await fetch(url);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch {
    return WebAssembly.compile(await response.arrayBuffer()); // served without application/wasm
  }
}

/**
 * Resolves to `{ wasm, build: 'simd' | 'scalar', module, memory }` with the package
 * initialised from `module`, the compiled `WebAssembly.Module` a compute worker can be handed.
 */
export async function loadWasm() {
  let build;
  if (simdSupported() && SIMD_BUILD) {
    build = 'simd';
  } else if (SCALAR_BUILD) {
    build = 'scalar';
  } else if (!SIMD_BUILD) {
    throw new Error('The WebAssembly package is missing: run `npm run build:wasm`, then reload.');
  } else {
    throw new Error(
      'This browser does not support WebAssembly SIMD, which this build needs ' +
        '(Safari before 16.4, or an old browser). Please update your browser.',
    );
  }
  const module = await compile(build);
  return { ...(await instantiateBuild(build, module)), build, module };
}

/** The package of `build` initialised from an already compiled module: `{ wasm, memory }`. */
export async function instantiateBuild(build, module) {
  const wasm = await BUILDS[`${DIRS[build]}mnist_wasm.js`]();
  const exports = await wasm.default({ module_or_path: module });
  return { wasm, memory: exports.memory };
}
