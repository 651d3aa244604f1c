// What this page needs from the browser, checked up front so a missing feature is named plainly
// instead of failing silently (old Safari lacks WebAssembly SIMD; some browsers lack
// DecompressionStream or module workers).

/** A minimal module using one SIMD128 instruction (i8x16.popcnt): valid only where SIMD works. */
export const SIMD_PROBE = Uint8Array.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported(wasm = globalThis.WebAssembly) {
  try {
    return Boolean(wasm && wasm.validate(SIMD_PROBE));
  } catch {
    return false;
  }
}

/**
 * A minimal module using relaxed SIMD's `f32x4.relaxed_madd` (three `f32x4.splat(0)`s, then the
 * multiply-add): valid only where the engine has relaxed SIMD (Chrome 114+, Firefox; not Node 20
 * without --experimental-wasm-relaxed-simd).
 */
export const RELAXED_SIMD_PROBE = Uint8Array.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 28, 1, 26, 0,
  ...[0, 1, 2].flatMap(() => [67, 0, 0, 0, 0, 253, 19]),
  253, 133, 2, 11,
]);

export function relaxedSimdSupported(wasm = globalThis.WebAssembly) {
  try {
    return Boolean(wasm && wasm.validate(RELAXED_SIMD_PROBE));
  } catch {
    return false;
  }
}

/**
 * Which wasm build to load (www/wasm.js): `'relaxed' | 'simd' | 'scalar'`, or null when none this
 * engine can run was built. `simd` and `relaxed` say what the engine validates, `present(build)`
 * whether that build is in the bundle. The relaxed build needs SIMD128 as well.
 */
export function chooseBuild({ simd, relaxed }, present) {
  if (simd && relaxed && present('relaxed')) return 'relaxed';
  if (simd && present('simd')) return 'simd';
  if (present('scalar')) return 'scalar';
  return null;
}

/** True when `new Worker(url, { type: 'module' })` is honoured (reading `type` is the tell). */
export function moduleWorkersSupported(WorkerCtor = globalThis.Worker) {
  if (typeof WorkerCtor !== 'function') return false;
  let supported = false;
  const options = {
    get type() {
      supported = true;
      return 'module';
    },
  };
  try {
    // 'blob://' is not a valid worker URL: the constructor reads the options, then throws,
    // without fetching anything (so no CSP report either).
    new WorkerCtor('blob://', options).terminate();
  } catch {
    // expected
  }
  return supported;
}

/**
 * Features the page cannot work without, as readable names (empty when all are there).
 * `env` defaults to the real globals; tests pass fakes.
 */
export function missingFeatures(env = globalThis) {
  const missing = [];
  if (typeof env.WebAssembly !== 'object') missing.push('WebAssembly');
  if (typeof env.Worker !== 'function') missing.push('Web Workers');
  else if (!moduleWorkersSupported(env.Worker)) missing.push('module Web Workers');
  if (typeof env.DecompressionStream !== 'function') missing.push('DecompressionStream (gzip)');
  if (typeof env.ReadableStream !== 'function') missing.push('streaming fetch (ReadableStream)');
  if (typeof env.PointerEvent !== 'function') missing.push('Pointer Events');
  return missing;
}

/** What the page says when `missing` (readable names, see missingFeatures) is not empty. */
export function unsupportedText(missing) {
  const list = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}` : missing[0];
  return `This browser has no ${list}, which the trainer needs. Please use a current version of Chrome, Edge, Firefox or Safari (16.4 or later).`;
}
