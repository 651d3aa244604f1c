// A compute worker for the data-parallel benchmark: the app's www/compute-core.js over pkg/ (the
// app's compute-worker.js reaches the package through Vite's import.meta.glob; this server has none).
import { serve } from '../../www/compute-core.js';
import { BUILDS } from './ours-core.mjs';
import { rootUrl } from './common.mjs';

serve(async (build, module) => {
  const wasm = await import(rootUrl(BUILDS[build]));
  const exports = await wasm.default({ module_or_path: module });
  return { wasm, memory: exports.memory };
});
