// The data-parallel benchmark, in a module worker as the app's training worker: the app's
// WorkerPool (www/worker-pool.js) over N compute workers, for each N asked for in turn, on the
// same trainer and data. Per N: warm-up, then whole steps of batch 64 for trainSeconds; images/s,
// the exchange per step (adding the shares, Adam, handing on the sum: `syncMs`) and the wait for
// the compute workers after the coordinator's own share (`waitMs`, load imbalance), the memory of
// each worker's wasm instance. Query: build, workers (e.g. "1,2"), warmupSeconds, trainSeconds.
import { WorkerPool } from '../../www/worker-pool.js';
import { yieldToEvents } from '../../www/worker-slices.js';
import { BATCH, BUILDS, makeTrainer } from './ours-core.mjs';
import { rootUrl, stats, now } from './common.mjs';

async function compile(build) {
  const r = await fetch(rootUrl(BUILDS[build].replace(/\.js$/, '_bg.wasm')));
  return WebAssembly.compileStreaming(r);
}

async function untilReady(pool, n, log) {
  const t0 = now();
  while (pool.training < n) {
    if (now() - t0 > 30_000) throw new Error(`only ${pool.training} of ${n} workers started in 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  log(`${n} workers ready in ${(now() - t0).toFixed(0)} ms`);
}

async function measure(trainer, pool, seconds) {
  const stepMs = [];
  const syncMs = [];
  const waitMs = [];
  let images = 0;
  let lossSum = 0;
  const t0 = now();
  while ((now() - t0) / 1000 < seconds) {
    if (pool.needsSync) await pool.sync(trainer);
    const ts = now();
    const r = await pool.step(trainer, { sliceMs: 1e9, pause: yieldToEvents });
    stepMs.push(now() - ts);
    syncMs.push(pool.syncMs);
    waitMs.push(pool.waitMs);
    images += r.images;
    lossSum += r.loss * r.images;
  }
  const secs = (now() - t0) / 1000;
  return { images, seconds: secs, images_per_sec: images / secs, step_ms: stats(stepMs), sync_ms: stats(syncMs), wait_ms: stats(waitMs), mean_loss: lossSum / images };
}

self.onmessage = async ({ data: q }) => {
  const log = (...a) => self.postMessage({ type: 'log', text: a.join(' ') });
  try {
    const build = q.build || 'simd';
    const counts = String(q.workers || '1,2').split(',').map(Number);
    const wasm = await import(rootUrl(BUILDS[build]));
    const module = await compile(build);
    const exports = await wasm.default({ module_or_path: module });
    const { trainer } = await makeTrainer(wasm, log);
    const notes = [];
    const pool = new WorkerPool({
      build,
      module,
      params: wasm.parameterCount(),
      // One image's pixels, from the model's input shape, as the app's worker passes them.
      pixels: trainer.modelDescription().input.reduce((a, b) => a * b),
      shared: self.crossOriginIsolated === true,
      onNote: (t) => notes.push(t),
      onChange: () => {},
      spawn: (id) => new Worker(new URL('./compute-worker.mjs', import.meta.url), { type: 'module', name: `compute-${id}` }),
    });
    const runs = {};
    for (const n of counts) {
      pool.setWanted(n);
      await untilReady(pool, n, log);
      trainer.reset(1234);
      pool.invalidate();
      await pool.sync(trainer);
      await measure(trainer, pool, Number(q.warmupSeconds ?? 3));
      const m = await measure(trainer, pool, Number(q.trainSeconds ?? 10));
      const checksums = await pool.checksums(trainer);
      m.workers = pool.training;
      m.identical_workers = new Set(checksums).size === 1;
      m.wasm_memory_bytes = [exports.memory.buffer.byteLength, ...pool.memory];
      runs[n] = m;
      log(`${n} worker(s): ${m.images_per_sec.toFixed(0)} img/s, step ${m.step_ms.median.toFixed(2)} ms, exchange ${m.sync_ms.median.toFixed(3)} ms, wait ${m.wait_ms.median.toFixed(2)} ms`);
    }
    pool.setWanted(1);
    self.postMessage({
      type: 'done',
      result: { batch_size: BATCH, transport: pool.transport, runs, notes, env: { crossOriginIsolated: self.crossOriginIsolated === true, hardwareConcurrency: navigator.hardwareConcurrency } },
    });
  } catch (e) {
    self.postMessage({ type: 'error', error: String(e?.message ?? e), stack: e?.stack ? String(e.stack) : null });
  }
};
