// Benchmark page for our wasm package.
//
// Query parameters:
//   build=simd|scalar|profile   which package (pkg/, pkg-scalar/, target/bench-profile/pkg/)
//   thread=worker|main          where the measurements run (default worker, like the app)
//   mode=bench|profile          profile: main thread only; after a short timed run and a batch-size
//                               sweep the page exposes window.__trainFor(seconds) and
//                               window.__inferFor(seconds) (predictBatch of 500) for the runner,
//                               which wraps it in Chromium's sampling profiler (CDP)
// bench mode: warmupSeconds, warmupMinBatches, trainSeconds, stepsPerCall, latencyCalls,
//             latencyWarmup, inferBatch, inferCapSeconds, evaluateLimit (extra evaluate('test') figure)
// profile mode: warmupSeconds, trainSeconds, sweep (e.g. 16,64,256), sweepSeconds
import { params, log, envInfo, finish, fail } from './common.mjs';
import { runBench, prepareProfile } from './ours-core.mjs';

const NUMERIC = ['warmupSeconds', 'warmupMinBatches', 'trainSeconds', 'stepsPerCall', 'latencyCalls', 'latencyWarmup', 'inferBatch', 'inferCapSeconds', 'evaluateLimit', 'sweepSeconds'];
const q = { ...params };
for (const k of NUMERIC) if (q[k] !== undefined && q[k] !== '') q[k] = Number(q[k]); else delete q[k];

function inWorker() {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./ours-worker.mjs', import.meta.url), { type: 'module' });
    w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'log') log(m.text);
      else if (m.type === 'done') { w.terminate(); resolve(m.result); }
      else if (m.type === 'error') { w.terminate(); const err = new Error(m.error); err.stack = m.stack; reject(err); }
    };
    w.onerror = (e) => { w.terminate(); reject(new Error(`worker error: ${e.message}`)); };
    w.postMessage(q);
  });
}

(async () => {
  try {
    const page = envInfo();
    if ((q.mode || 'bench') === 'profile') {
      const { result, trainFor, inferFor } = await prepareProfile(q, log, 'page main thread');
      window.__trainFor = (seconds) => trainFor(seconds);
      window.__inferFor = (seconds) => inferFor(seconds);
      finish({ ...result, page_env: page });
      return;
    }
    const where = q.thread === 'main' ? 'main' : 'worker';
    const res = where === 'main' ? await runBench(q, log, 'page main thread') : await inWorker();
    finish({ ...res, page_env: page });
  } catch (e) {
    fail(e);
  }
})();
