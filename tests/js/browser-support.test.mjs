// Feature detection (www/browser-support.js) with fake environments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chooseBuild, missingFeatures, moduleWorkersSupported, relaxedSimdSupported, simdSupported } from '../../www/browser-support.js';

class ModuleWorker {
  constructor(url, options) {
    void options.type; // a browser with module workers reads `type`
    throw new SyntaxError('invalid URL');
  }
}
class ClassicWorker {
  constructor() {
    throw new SyntaxError('invalid URL');
  }
}
const full = {
  WebAssembly,
  Worker: ModuleWorker,
  DecompressionStream: class {},
  ReadableStream: class {},
  PointerEvent: class {},
};

test('SIMD is detected with a real validator', () => {
  assert.equal(simdSupported(WebAssembly), true); // node 20 has SIMD
  assert.equal(simdSupported({ validate: () => false }), false);
  assert.equal(simdSupported(null), false);
});

test('relaxed SIMD is detected with a real validator: off in Node 20, on behind its flag', () => {
  assert.equal(relaxedSimdSupported(WebAssembly), false);
  const url = new URL('../../www/browser-support.js', import.meta.url).href;
  const script = `import(${JSON.stringify(url)}).then((m) => console.log(m.relaxedSimdSupported()))`;
  const flagged = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(flagged.trim(), 'true');
  assert.equal(relaxedSimdSupported({ validate: () => { throw new Error('no'); } }), false);
});

test('chooseBuild: relaxed where the engine has it and it was built, else SIMD128, else scalar', () => {
  const all = () => true;
  const only = (...builds) => (b) => builds.includes(b);
  assert.equal(chooseBuild({ simd: true, relaxed: true }, all), 'relaxed');
  assert.equal(chooseBuild({ simd: true, relaxed: false }, all), 'simd');
  assert.equal(chooseBuild({ simd: true, relaxed: true }, only('simd', 'scalar')), 'simd');
  assert.equal(chooseBuild({ simd: false, relaxed: true }, all), 'scalar');
  assert.equal(chooseBuild({ simd: false, relaxed: false }, only('simd', 'relaxed')), null);
});

test('module workers are detected by the options they read', () => {
  assert.equal(moduleWorkersSupported(ModuleWorker), true);
  assert.equal(moduleWorkersSupported(ClassicWorker), false);
  assert.equal(moduleWorkersSupported(null), false);
});

test('missingFeatures names what is missing', () => {
  assert.deepEqual(missingFeatures(full), []);
  assert.deepEqual(missingFeatures({ ...full, DecompressionStream: undefined, Worker: ClassicWorker }), [
    'module Web Workers',
    'DecompressionStream (gzip)',
  ]);
  assert.deepEqual(missingFeatures({ ...full, WebAssembly: undefined, PointerEvent: undefined }), ['WebAssembly', 'Pointer Events']);
});
