// A compute worker for tests/js/worker-pool.test.mjs: the app's own compute-core.js in a Node
// worker thread, with the wasm package of pkg/ (so shares are really computed, on either
// transport: SharedArrayBuffer + Atomics or transferred buffers). Not a test file.
import { parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';

// compute-core.js talks to `self`, as a browser worker does.
globalThis.self = { postMessage: (message, transfer) => parentPort.postMessage(message, transfer) };

// worker-slices.js yields through a MessageChannel round trip. Node drains a port's messages in
// one go (new ones included, up to 1,000), so an idle shared-channel loop that yields that way
// would keep the thread's own messages (LOAD, CHECKSUM) waiting for seconds; a browser takes
// them in turn. setImmediate runs after the thread's messages, as the browser's task queue does.
globalThis.MessageChannel = class {
  port1 = { onmessage: null };
  port2 = { postMessage: (data) => setImmediate(() => this.port1.onmessage?.({ data })) };
};

const PKG = new URL('../../pkg/', import.meta.url);
const { serve } = await import('../../www/compute-core.js');
serve(async () => {
  const wasm = await import(new URL('mnist_wasm.js', PKG).href);
  const exports = wasm.initSync({ module: await readFile(new URL('mnist_wasm_bg.wasm', PKG)) });
  return { wasm, memory: exports.memory };
});
// Messages posted before this listener wait in the port (Node starts it here).
parentPort.on('message', (data) => self.onmessage({ data }));
