// WebAssembly.Memory size after each epoch of a training run (issue: memory stays flat after the
// first epoch). Trains `epochs` epochs on the first `trainSize` images, evaluates the full test
// set after each (as the app does), and records the module's linear memory in bytes.
import { params, num, log, now } from './common.mjs';
import { loadBuild, pushAll } from './ours-core.mjs';
import { loadMnist } from './common.mjs';

const epochs = num('epochs', 10);
const trainSize = num('trainSize', 6000);
const out = document.getElementById('out');

try {
  const { wasm } = await loadBuild(params.build || 'simd');
  // wasm-bindgen's init has already run inside loadBuild; a second call returns the exports.
  const exports = await wasm.default();
  const bytes = () => exports.memory.buffer.byteLength;
  const data = await loadMnist();
  const trainer = new wasm.Trainer({ seed: 7, batchSize: 64, trainSize, augment: false });
  const memory = [{ after: 'data loaded', bytes: bytes() }];
  pushAll(trainer, data);
  memory.push({ after: 'data pushed', bytes: bytes() });
  const t0 = now();
  for (let e = 1; e <= epochs; e++) {
    let r;
    do r = trainer.trainSteps(50); while (!r.epochDone);
    const n = trainer.dataStatus().test.usable;
    const ev = trainer.evaluate('test', 0, new Uint8Array(n), new Float32Array(n));
    memory.push({ after: `epoch ${e}`, bytes: bytes(), loss: r.loss, test_accuracy: ev.accuracy });
    log(`epoch ${e}: memory ${(bytes() / 2 ** 20).toFixed(2)} MiB, test accuracy ${(100 * ev.accuracy).toFixed(2)}%`);
  }
  const afterFirst = memory.filter((m) => m.after.startsWith('epoch')).map((m) => m.bytes);
  window.__result = {
    epochs,
    train_size: trainSize,
    seconds: (now() - t0) / 1000,
    memory,
    flat_after_first_epoch: afterFirst.every((b) => b === afterFirst[0]),
    growth_after_first_epoch_bytes: afterFirst[afterFirst.length - 1] - afterFirst[0],
  };
  out.textContent = JSON.stringify(window.__result, null, 1);
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
  out.textContent = window.__result.error;
}
window.__done = true;
