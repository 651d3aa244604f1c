// A minimal W3C WebDriver client (classic, over HTTP), the way a plain WebDriver check drives the
// page, and the three engines' drivers: chromedriver (Debian's chromium-driver), geckodriver
// (Firefox ESR) and WebKitWebDriver (Debian's webkit2gtk-driver, driving WebKitGTK's MiniBrowser
// under Xvfb). Every browser is Debian's. (Not a test file: node --test runs *.test.mjs only.)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { freePort } from '../e2e/helpers.mjs';

/** WebKitGTK's MiniBrowser (Debian's libwebkit2gtk-4.1-0), under the machine's multiarch folder. */
const MINIBROWSER =
  process.env.MINIBROWSER ||
  readdirSync('/usr/lib')
    .map((dir) => `/usr/lib/${dir}/webkit2gtk-4.1/MiniBrowser`)
    .find((path) => existsSync(path)) ||
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Each engine: its driver's command (run with `--port=N`) and the capabilities of a new session. */
export const ENGINES = {
  chromium: {
    driver: ['chromedriver'],
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1360,1000'],
      },
    },
  },
  firefox: {
    driver: ['geckodriver'],
    capabilities: {
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: process.env.FIREFOX || '/usr/bin/firefox-esr', args: ['-headless', '-width=1360', '-height=1000'] },
    },
  },
  webkit: {
    // MiniBrowser needs a display: a virtual one, for the driver and the browser it starts.
    driver: ['xvfb-run', '-a', '-s', '-screen 0 1360x1000x24', 'WebKitWebDriver'],
    capabilities: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } },
    needs: [MINIBROWSER],
  },
};

/** What an engine lacks on this machine (commands not on PATH, files not there), as words. */
export function missingTools(engine) {
  const { driver, needs = [] } = ENGINES[engine];
  const onPath = (cmd) => (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(`${dir}/${cmd}`));
  const commands = driver[0] === 'xvfb-run' ? ['xvfb-run', driver.at(-1)] : [driver[0]];
  return [...commands.filter((c) => !onPath(c)), ...needs.filter((f) => !existsSync(f))];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the engine's driver on a free port; `{ port, stop }` once it answers /status. */
export async function startDriver(engine) {
  const [cmd, ...args] = ENGINES[engine].driver;
  const port = await freePort();
  // Its own process group, so stopping it also stops Xvfb and the browser (xvfb-run's children).
  const child = spawn(cmd, [...args, `--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  child.stderr.on('data', (d) => {
    log = (log + d).slice(-4000);
    if (process.env.WD_DEBUG) process.stderr.write(d);
  });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return { port, stop };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  stop();
  throw new Error(`${cmd} did not start on port ${port}: ${log}`);
}

export class Session {
  constructor(base) {
    this.base = base;
  }

  static async create(port, capabilities) {
    const s = new Session(`http://127.0.0.1:${port}`);
    const value = await s.request('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    s.base += `/session/${value.sessionId}`;
    s.capabilities = value.capabilities;
    return s;
  }

  async request(method, path, body) {
    const res = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message ?? ''}`.slice(0, 800));
    return json.value;
  }

  go(url) {
    return this.request('POST', '/url', { url });
  }
  setTimeouts(t) {
    return this.request('POST', '/timeouts', t);
  }
  /** Runs `script` (a function body; `arguments` are `args`) in the page; its return value. */
  exec(script, args = []) {
    return this.request('POST', '/execute/sync', { script, args });
  }
  /** Like exec, for a script that calls `arguments[arguments.length - 1](value)` when done. */
  execAsync(script, args = []) {
    return this.request('POST', '/execute/async', { script, args });
  }
  /** The first element matching a CSS selector, as a WebDriver element reference. */
  find(selector) {
    return this.request('POST', '/element', { using: 'css selector', value: selector });
  }
  actions(actions) {
    return this.request('POST', '/actions', { actions });
  }
  quit() {
    return this.request('DELETE', '');
  }

  /** Polls `script` (a function body returning a value) until it is truthy; that value. */
  async waitFor(script, { timeout = 60_000, every = 250, what = script } = {}) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      last = await this.exec(script);
      if (last) return last;
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for: ${what}`);
      await sleep(every);
    }
  }
}
