// Feature detection (www/browser-support.js) with fake environments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingFeatures, moduleWorkersSupported, simdSupported } from '../../www/browser-support.js';

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
