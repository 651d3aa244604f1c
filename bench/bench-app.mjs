// Owns what every page bench does around its measurement (bench/drawn.mjs, time-to-99.mjs,
// teach-page.mjs): progress lines on stderr with the seconds since start, Vite's dev server and
// headless Chromium, the app loaded with MNIST and ready, and a non-zero exit on failure.
import { dataComplete, freePort, launchBrowser, startDevServer } from '../tests/e2e/helpers.mjs';

const T_START = Date.now();

/** A progress line on stderr (stdout is kept for the one JSON object). */
export const log = (...a) => process.stderr.write(`${((Date.now() - T_START) / 1000).toFixed(0).padStart(4)}s ${a.join(' ')}\n`);

/** Seconds since the bench started. */
export const elapsedSeconds = () => Math.round((Date.now() - T_START) / 1000);

/** The dev server on `port` (a free one if null) and Chromium (more context options: `browserOptions`): `{ port, browser, close }`. */
export async function startBenchApp(port = null, browserOptions = {}) {
  const p = port ?? (await freePort());
  const server = await startDevServer(p);
  const browser = await launchBrowser(browserOptions);
  const close = async () => {
    await browser.close();
    await server.close().catch(() => {});
  };
  return { port: p, browser, close };
}

/** Opens the app in `page` and waits until MNIST is loaded and the trainer is ready. */
export async function openApp(page, port) {
  page.on('pageerror', (e) => log('page error:', e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await dataComplete(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'ready', null, { timeout: 60_000 });
}

/** Runs the bench's `main`; a failure prints its stack and exits with 1. */
export function runBench(main) {
  main().catch((e) => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
  });
}

/**
 * `--name value` or `--name=value` options over `known` (name -> default text); an unknown one exits 2.
 * Names in `flags` take no value: `--name` alone sets them to true.
 */
export function readOptions(argv, known, flags = []) {
  const opts = { ...known };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in known)) {
      process.stderr.write(`unknown option ${argv[i]}; known: ${Object.keys(known).map((k) => '--' + k).join(' ')}\n`);
      process.exit(2);
    }
    opts[m[1]] = flags.includes(m[1]) ? true : (m[2] ?? argv[++i]);
  }
  return opts;
}
