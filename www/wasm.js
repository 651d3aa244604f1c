// Loads the wasm package in the worker: the SIMD128 build (pkg/, `npm run build:wasm`) where the
// browser has SIMD, else the scalar build (pkg-scalar/, `npm run build:wasm-scalar`) if it was
// built. import.meta.glob lets the bundle include whichever builds exist without failing on a
// missing one.
import { simdSupported } from './browser-support.js';

const BUILDS = import.meta.glob(['../pkg/mnist_wasm.js', '../pkg-scalar/mnist_wasm.js']);
const SIMD_BUILD = BUILDS['../pkg/mnist_wasm.js'];
const SCALAR_BUILD = BUILDS['../pkg-scalar/mnist_wasm.js'];

/** Resolves to `{ wasm, build: 'simd' | 'scalar' }` with the module initialised. */
export async function loadWasm() {
  let build;
  let load;
  if (simdSupported() && SIMD_BUILD) {
    [build, load] = ['simd', SIMD_BUILD];
  } else if (SCALAR_BUILD) {
    [build, load] = ['scalar', SCALAR_BUILD];
  } else if (!SIMD_BUILD) {
    throw new Error('The WebAssembly package is missing: run `npm run build:wasm`, then reload.');
  } else {
    throw new Error(
      'This browser does not support WebAssembly SIMD, which this build needs ' +
        '(Safari before 16.4, or an old browser). Please update your browser.',
    );
  }
  const wasm = await load();
  await wasm.default();
  return { wasm, build };
}
