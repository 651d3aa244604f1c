// The Vite plugin that makes the built app an installable web app that works offline (issue 13):
// it links a web app manifest (served by the dev server, emitted by the build with the bundled
// icon), and emits the service worker www/sw.js as sw.js at the site's root with what it needs
// filled in: this build's version (a hash of its files), the app shell to precache (every file
// of the build but the MNIST data, which the page keeps in its own cache once downloaded) and
// the cache names shared with the page (www/offline-cache.js). Used by vite.config.js.
//
// Our own ~2 kB worker rather than Workbox (vite-plugin-pwa): the app needs three rules
// (network-first page, cache-first shell, the data from the page's cache), Workbox's runtime and
// build tooling would add more than the whole worker, and the rules stay readable in one file.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_CACHE, ON_DEMAND_PATH, PRETRAINED_PATH, SHELL_CACHE_PREFIX } from '../www/offline-cache.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER_SOURCE = join(ROOT, 'www', 'sw.js');
const THEME = '#4f46e5'; // --accent in www/styles/base.css

/** The web app manifest, with the icon at `icon` (a URL relative to the manifest). */
export const manifest = (icon) => ({
  name: 'MNIST trainer',
  short_name: 'MNIST',
  description: 'Train a convolutional network on MNIST in your browser, on your own CPU, then draw digits and watch it read them.',
  start_url: './',
  scope: './',
  display: 'standalone',
  background_color: '#f5f6fa',
  theme_color: THEME,
  icons: [{ src: icon, sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
});

/** The service worker's source with its settings filled in. */
export async function serviceWorker({ version, shell }) {
  const source = await readFile(WORKER_SOURCE, 'utf8');
  const settings = { version, shell, shellCache: `${SHELL_CACHE_PREFIX}${version}`, shellPrefix: SHELL_CACHE_PREFIX, dataCache: DATA_CACHE, dataPath: 'data/', pretrainedPath: PRETRAINED_PATH, onDemandPath: ON_DEMAND_PATH };
  if (!source.includes('self.__OFFLINE__')) throw new Error('www/sw.js lost its self.__OFFLINE__ placeholder');
  return source.replace('self.__OFFLINE__', JSON.stringify(settings));
}

export function offline() {
  let base = '/';
  return {
    name: 'offline',
    enforce: 'post', // after Vite's own HTML plugin: index.html is in the bundle
    config(userConfig, { command }) {
      // Whether the page registers the worker: in a build only. Not import.meta.env.PROD, which
      // follows NODE_ENV and so is true in a dev server started after a build in the same process.
      return { define: { 'import.meta.env.OFFLINE_WORKER': JSON.stringify(command === 'build') } };
    },
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml() {
      return [
        { tag: 'link', attrs: { rel: 'manifest', href: `${base}manifest.webmanifest` }, injectTo: 'head' },
        { tag: 'meta', attrs: { name: 'theme-color', content: THEME }, injectTo: 'head' },
      ];
    },
    configureServer(server) {
      // The dev server has no build: the manifest points at the icon's source (no worker here).
      server.middlewares.use((req, res, next) => {
        if (new URL(req.url, 'http://localhost').pathname !== `${base}manifest.webmanifest`) return next();
        res.writeHead(200, { 'Content-Type': 'application/manifest+json' });
        res.end(JSON.stringify(manifest(`${base}www/icon.svg`)));
      });
    },
    async generateBundle(options, bundle) {
      if (this.environment?.name && this.environment.name !== 'client') return;
      const icon = Object.values(bundle).find((f) => f.type === 'asset' && /(^|\/)icon[^/]*\.svg$/.test(f.fileName));
      if (!icon) throw new Error('offline: the bundled icon (www/icon.svg) was not found');
      this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: `${JSON.stringify(manifest(icon.fileName), null, 2)}\n` });
      const files = Object.keys(bundle).filter((name) => !name.startsWith('data/') && name !== 'index.html' && !name.endsWith('.map'));
      const shell = ['./', 'manifest.webmanifest', ...files.filter((name) => !name.startsWith(ON_DEMAND_PATH)).sort()];
      const hash = createHash('sha256');
      for (const name of ['index.html', ...files]) {
        const f = bundle[name];
        hash.update(name).update(f ? (f.type === 'chunk' ? f.code : f.source) : '');
      }
      const version = hash.digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: await serviceWorker({ version, shell }) });
    },
  };
}
