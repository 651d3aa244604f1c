// Tiny static file server for the benchmark pages (copied from ../shared/bench-anchors/server.mjs;
// standalone mode now serves the repository root). Listens on 127.0.0.1 only.
//
// Every response carries
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// so that pages are crossOriginIsolated (SharedArrayBuffer, wasm threads),
// EXCEPT paths under /noiso/ : those map to the same files but are served
// WITHOUT the isolation headers, so a page loaded from there is not
// crossOriginIsolated (no SharedArrayBuffer -> tfjs-backend-wasm falls back to
// its single-threaded build).
//
// Usage as a module:  const srv = await startServer({ root, port: 0 });
//                     srv.url -> 'http://127.0.0.1:PORT'; await srv.close();
// Standalone:         node bench/server.mjs [port]   (default 8765), then open
//                     http://127.0.0.1:8765/bench/pages/ours.html?build=simd

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wat': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

export function startServer({ root, port = 0, host = '127.0.0.1', log = false } = {}) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400); res.end('bad url'); return;
    }
    let isolate = true;
    if (urlPath === '/noiso' || urlPath.startsWith('/noiso/')) {
      isolate = false;
      urlPath = urlPath.slice('/noiso'.length) || '/';
    }
    if (urlPath.endsWith('/')) urlPath += 'index.html';
    const file = path.resolve(root, '.' + urlPath);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403); res.end('forbidden'); return;
    }
    const headers = {
      'Content-Type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'Cache-Control': 'no-cache',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (isolate) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        if (log) console.log(`[server] 404 ${req.url}`);
        res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found'); return;
      }
      headers['Content-Length'] = st.size;
      res.writeHead(200, headers);
      if (req.method === 'HEAD') { res.end(); return; }
      fs.createReadStream(file).pipe(res);
      if (log) console.log(`[server] 200 ${req.url} (${isolate ? 'isolated' : 'not isolated'})`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({
        server,
        port: addr.port,
        url: `http://${host}:${addr.port}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

// Standalone mode.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const port = Number(process.argv[2] || 8765);
  const srv = await startServer({ root: here, port, log: true });
  console.log(`serving ${here} at ${srv.url}/  (isolated)  and ${srv.url}/noiso/  (not isolated); Ctrl-C to stop`);
}
