#!/usr/bin/env node
// `npm run memory [-- --epochs=10 --train-size=6000]`: trains in headless Chromium and prints,
// as JSON, the wasm module's WebAssembly.Memory size after each epoch. A benchmark-style report,
// not a test: it needs `npm run build:wasm` (pkg/) and `npm ci`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const a = process.argv.find((s) => s.startsWith(`--${name}=`));
  return a ? a.split('=')[1] : dflt;
};
if (!fs.existsSync(path.join(ROOT, 'pkg/mnist_wasm_bg.wasm'))) {
  console.error('pkg/ missing: run `npm run build:wasm` first');
  process.exit(2);
}
const { chromium } = await import('playwright-core');
const srv = await startServer({ root: ROOT, port: 0 });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-memory-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await context.newPage();
  tab.on('console', (m) => console.error(m.text()));
  const q = new URLSearchParams({ epochs: arg('epochs', '10'), trainSize: arg('train-size', '6000') });
  await tab.goto(`${srv.url}/bench/pages/memory.html?${q}`);
  await tab.waitForFunction(() => window.__done === true, null, { timeout: 1_800_000, polling: 1000 });
  const result = await tab.evaluate(() => window.__result);
  console.log(JSON.stringify(result, null, 1));
  process.exitCode = result.error ? 1 : 0;
} finally {
  await context.close();
  await srv.close?.();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
