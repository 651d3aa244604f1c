// Loads the wasm package in the worker: the relaxed-SIMD build (pkg-relaxed/, `npm run
// build:wasm`) where the engine validates relaxed SIMD, else the SIMD128 build (pkg/) where the
// browser has SIMD, else the scalar build (pkg-scalar/, `npm run build:wasm-scalar`) if it was
// built. import.meta.glob lets the bundle include whichever builds exist without failing on a
// missing one. The module is compiled once, by the training worker; its compute workers
// instantiate that same `WebAssembly.Module` (`instantiateBuild`), so nothing is compiled twice.
import { chooseBuild, relaxedSimdSupported, simdSupported } from './browser-support.js';

const BUILDS = import.meta.glob(['../pkg/mnist_wasm.js', '../pkg-relaxed/mnist_wasm.js', '../pkg-scalar/mnist_wasm.js']);
const BINARIES = import.meta.glob(['../pkg/mnist_wasm_bg.wasm', '../pkg-relaxed/mnist_wasm_bg.wasm', '../pkg-scalar/mnist_wasm_bg.wasm'], {
  query: '?url',
  import: 'default',
});
const DIRS = { relaxed: '../pkg-relaxed/', simd: '../pkg/', scalar: '../pkg-scalar/' };
const has = (build) => Boolean(BUILDS[`${DIRS[build]}mnist_wasm.js`]);

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
 * Resolves to `{ wasm, build: 'relaxed' | 'simd' | 'scalar', module, memory }` with the package
 * initialised from `module`, the compiled `WebAssembly.Module` a compute worker can be handed.
 */
export async function loadWasm() {
  const build = chooseBuild({ simd: simdSupported(), relaxed: relaxedSimdSupported() }, has);
  if (!build && !has('simd')) {
    throw new Error('The WebAssembly package is missing: run `npm run build:wasm`, then reload.');
  } else if (!build) {
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
