// Page of the data-parallel benchmark: starts bench/pages/parallel-worker.mjs (the coordinator,
// in a worker like the app's) with the query, relays its logs, publishes its result.
// Query: build=simd|scalar, workers=1,2 (worker counts, in turn), warmupSeconds, trainSeconds.
import { params, log, envInfo, finish, fail } from './common.mjs';

const w = new Worker(new URL('./parallel-worker.mjs', import.meta.url), { type: 'module' });
w.onmessage = ({ data: m }) => {
  if (m.type === 'log') log(m.text);
  else if (m.type === 'done') finish({ ...m.result, page_env: envInfo() });
  else if (m.type === 'error') fail(Object.assign(new Error(m.error), { stack: m.stack }));
};
w.onerror = (e) => fail(new Error(`worker error: ${e.message}`));
w.postMessage({ ...params });
