// Module worker that runs the benchmark of our package off the main thread (as the app does:
// www/worker.js owns the Trainer). Receives the query as a message, posts logs and the result.
import { runBench } from './ours-core.mjs';

self.onmessage = async (ev) => {
  const log = (...a) => self.postMessage({ type: 'log', text: a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ') });
  try {
    const result = await runBench(ev.data, log, 'dedicated module worker');
    self.postMessage({ type: 'done', result });
  } catch (e) {
    self.postMessage({ type: 'error', error: String(e && e.message ? e.message : e), stack: e && e.stack ? String(e.stack) : null });
  }
};
