// Measurements of our wasm package (`mnist-wasm`, the facade in src/wasm/), shared by the worker
// (the default, like the app: www/worker.js owns the Trainer) and the main-thread page (profile
// mode, where the runner attaches Chromium's sampling profiler through CDP).
//
// The same four figures, measured the same way as pages/tfjs-bench.mjs measures TF.js:
//   training      warm-up (>= warmupMinBatches batches and >= warmupSeconds), then
//                 trainer.trainSteps(stepsPerCall) in a loop for >= trainSeconds of wall clock;
//                 batch 64, Adam lr 0.001 held (schedule off, as TF.js); the whole 60k training set is pushed in first (raw IDX,
//                 parsed by the Trainer); batches are assembled inside the timed loop (by the
//                 Trainer from its u8 images, like TF.js builds its tensors from the u8 IDX data).
//   latency       trainer.predict(one 784-value Float32Array) -> Float32Array(10), i.e. including
//                 the copy back to JS; the Float32Array is built before the timer starts (as TF.js
//                 builds its Float32Array before timing tensor+predict+dataSync); median of
//                 latencyCalls after latencyWarmup calls.
//   inference     trainer.predictBatch over the 10,000 test images in batches of inferBatch (500),
//                 the Float32Array of each batch built from the u8 IDX data inside the timed loop
//                 (as TF.js does), after one warm-up batch; accuracy from the returned probabilities.
//   evaluate      (extra) trainer.evaluate('test'): the same 10k images from inside wasm memory.
import { rootUrl, loadMnist, stats, envInfo, now } from './common.mjs';
import { FLOPS } from '../flops.mjs';

export const BATCH = 64;
export const BUILDS = {
  simd: 'pkg/mnist_wasm.js',
  relaxed: 'pkg-relaxed/mnist_wasm.js',
  scalar: 'pkg-scalar/mnist_wasm.js',
  // The SIMD build's cargo artifact through wasm-bindgen + wasm-opt -g (names kept) for the
  // profiler; made by scripts/bench.sh. Same code as pkg/ (same wasm-opt flags) plus a name section.
  profile: 'target/bench-profile/pkg/mnist_wasm.js',
};

const PUSH_CHUNK = 1 << 22; // bytes per pushData call (the app streams chunks too)

export async function loadBuild(build) {
  if (!BUILDS[build]) throw new Error(`unknown build '${build}' (simd | relaxed | scalar | profile)`);
  const t0 = now();
  const wasm = await import(rootUrl(BUILDS[build]));
  await wasm.default();
  return { wasm, init_ms: now() - t0, module_url: BUILDS[build] };
}

export function pushAll(trainer, data) {
  const t0 = now();
  const feed = (set, file, bytes) => {
    for (let off = 0; off < bytes.length; off += PUSH_CHUNK) {
      trainer.pushData(set, file, bytes.subarray(off, Math.min(bytes.length, off + PUSH_CHUNK)));
    }
    trainer.finishData(set, file);
  };
  feed('train', 'images', data.raw.trainImages);
  feed('train', 'labels', data.raw.trainLabels);
  feed('test', 'images', data.raw.testImages);
  feed('test', 'labels', data.raw.testLabels);
  const st = trainer.dataStatus();
  if (st.train.usable !== 60000 || st.test.usable !== 10000) {
    throw new Error(`data not complete: ${JSON.stringify(st)}`);
  }
  return { push_ms: now() - t0, train_usable: st.train.usable, test_usable: st.test.usable };
}

export async function makeTrainer(wasm, log, seed = 1234, { augment = false } = {}) {
  const data = await loadMnist();
  // Augmentation off by default, as the Keras example and TF.js train; `augment` measures its cost.
  const trainer = new wasm.Trainer({ seed, learningRate: 0.001, schedule: false, batchSize: BATCH, augment });
  const push = pushAll(trainer, data);
  log(`data: fetched in ${data.loadMs.toFixed(0)} ms, pushed into the Trainer in ${push.push_ms.toFixed(0)} ms`);
  return { trainer, data, push };
}

export function warmUp(trainer, { warmupSeconds = 3, warmupMinBatches = 3 } = {}, log = () => {}) {
  const t0 = now();
  let wb = 0, firstBatchMs = null, firstLoss = null;
  while (wb < warmupMinBatches || (now() - t0) / 1000 < warmupSeconds) {
    const tb = now();
    const r = trainer.trainSteps(1);
    if (wb === 0) { firstBatchMs = now() - tb; firstLoss = r.loss; }
    wb += r.steps;
    if (wb >= 2000) break;
  }
  const warm = { batches: wb, seconds: (now() - t0) / 1000, first_batch_ms: firstBatchMs, first_loss: firstLoss };
  log(`warm-up: ${wb} batches in ${warm.seconds.toFixed(1)} s (first batch ${firstBatchMs.toFixed(1)} ms)`);
  return warm;
}

// Steady-state training: trainSteps(stepsPerCall) in a loop for >= seconds of wall clock.
export function timedTraining(trainer, { seconds, stepsPerCall = 1 }, log = () => {}) {
  const callMs = [];
  let images = 0, steps = 0, lossSum = 0, accSum = 0, lastLoss = null, lastLog = now();
  const t0 = now();
  while ((now() - t0) / 1000 < seconds) {
    const tb = now();
    const r = trainer.trainSteps(stepsPerCall);
    callMs.push((now() - tb) / Math.max(1, r.steps));
    images += r.images; steps += r.steps;
    lossSum += r.loss * r.images; accSum += r.accuracy * r.images;
    lastLoss = r.loss;
    if (now() - lastLog > 5000) {
      lastLog = now();
      log(`train: ${images} img, ${(images / ((now() - t0) / 1000)).toFixed(1)} img/s, loss ${lastLoss.toFixed(4)}`);
    }
  }
  const secs = (now() - t0) / 1000;
  return {
    batch_size: BATCH,
    steps_per_call: stepsPerCall,
    images,
    steps,
    seconds: secs,
    images_per_sec: images / secs,
    gflops: (images / secs) * FLOPS.train_flops_per_image / 1e9,
    batch_ms: stats(callMs),
    last_loss: lastLoss,
    mean_loss: lossSum / images,
    train_accuracy_in_window: accSum / images,
  };
}

function imageF32(X, idx, out = new Float32Array(784)) {
  const off = idx * 784;
  for (let i = 0; i < 784; i++) out[i] = X[off + i] / 255;
  return out;
}

export function latency(trainer, data, { calls = 200, warmup = 50 } = {}) {
  const lat = [];
  let sink = 0;
  for (let i = 0; i < warmup + calls; i++) {
    const xs = imageF32(data.testX, i % data.nTest);
    const ts = now();
    const probs = trainer.predict(xs);
    const dt = now() - ts;
    sink += probs[0];
    if (i >= warmup) lat.push(dt);
  }
  const res = { calls, warmup_calls: warmup, ms: stats(lat), sink };
  res.gflops_at_median = FLOPS.forward_flops_per_image / (res.ms.median / 1000) / 1e9;
  return res;
}

export function batchedInference(trainer, data, { batch = 500, capSeconds = 120 } = {}) {
  const build = (start, bs) => {
    const xs = new Float32Array(bs * 784);
    for (let b = 0; b < bs; b++) {
      const off = (start + b) * 784;
      for (let i = 0; i < 784; i++) xs[b * 784 + i] = data.testX[off + i] / 255;
    }
    return xs;
  };
  trainer.predictBatch(build(0, batch)); // warm-up batch
  let n = 0, correct = 0;
  const t0 = now();
  while (n < data.nTest) {
    const bs = Math.min(batch, data.nTest - n);
    const probs = trainer.predictBatch(build(n, bs));
    for (let b = 0; b < bs; b++) {
      let best = 0, bv = -Infinity;
      for (let k = 0; k < 10; k++) { const v = probs[b * 10 + k]; if (v > bv) { bv = v; best = k; } }
      if (best === data.testY[n + b]) correct++;
    }
    n += bs;
    if ((now() - t0) / 1000 > capSeconds) break;
  }
  const secs = (now() - t0) / 1000;
  return {
    batch,
    images: n,
    full_test_set: n === data.nTest,
    seconds: secs,
    images_per_sec: n / secs,
    accuracy: correct / n,
    gflops: (n / secs) * FLOPS.forward_flops_per_image / 1e9,
    api: 'predictBatch(Float32Array(n*784)) -> Float32Array(n*10)',
  };
}

export function evaluateSpeed(trainer, limit = 10000) {
  const evaluate = (n) => trainer.evaluate('test', 0, new Uint8Array(n), new Float32Array(n));
  evaluate(500); // warm-up
  const t0 = now();
  const ev = evaluate(Math.min(limit, trainer.dataStatus().test.usable));
  const secs = (now() - t0) / 1000;
  return {
    images: ev.count,
    seconds: secs,
    images_per_sec: ev.count / secs,
    gflops: (ev.count / secs) * FLOPS.forward_flops_per_image / 1e9,
    accuracy: ev.accuracy,
    loss: ev.loss,
    api: "evaluate('test'): images already in wasm memory (the app's path)",
  };
}

// Per-layer profile (issue 21): trainer.profilePass times each layer's forward and backward with
// performance.now() inside one pass over a batch of 64 training images (the training step's
// forward, loss and backward; no optimizer step, no batch assembly). Sums over >= `seconds` of
// passes, reported per pass (ms), after one warm-up pass. The runner adds FLOP and GFLOP/s.
export function layerProfile(trainer, data, { seconds = 3 } = {}) {
  if (typeof trainer.profilePass !== 'function') return null;
  const xs = new Float32Array(BATCH * 784);
  for (let i = 0; i < xs.length; i++) xs[i] = data.trainX[i] / 255;
  const ys = data.trainY.slice(0, BATCH);
  trainer.profilePass(xs, ys);
  const sum = trainer.profilePass(xs, ys);
  let passes = 1;
  const t0 = now();
  while ((now() - t0) / 1000 < seconds) {
    const p = trainer.profilePass(xs, ys);
    p.layers.forEach((l, i) => { sum.layers[i].forward += l.forward; sum.layers[i].backward += l.backward; });
    sum.loss += p.loss;
    sum.total += p.total;
    passes++;
  }
  const per = (v) => v / passes;
  return {
    images: BATCH,
    passes,
    layers: sum.layers.map((l) => ({ name: l.name, label: l.label, forward_ms: per(l.forward), backward_ms: per(l.backward) })),
    loss_ms: per(sum.loss),
    pass_ms: per(sum.total),
  };
}

function baseInfo(wasm, loaded, where) {
  const info = {
    env: envInfo(),
    measured_in: where,
    build_module: loaded.module_url,
    simd_enabled: wasm.simdEnabled(),
    params: wasm.parameterCount(),
    wasm_init_ms: loaded.init_ms,
  };
  if (info.params !== FLOPS.params) throw new Error(`param count ${info.params} != ${FLOPS.params}`);
  return info;
}

// Full benchmark of one build: training, single-image latency, batched inference, evaluate.
export async function runBench(q, log, where) {
  const loaded = await loadBuild(q.build || 'simd');
  const wasm = loaded.wasm;
  const info = baseInfo(wasm, loaded, where);
  log(`${q.build}: simdEnabled()=${info.simd_enabled}, ${info.params} params, init ${loaded.init_ms.toFixed(0)} ms`);
  const augment = q.augment === true || q.augment === 'true';
  const { trainer, data, push } = await makeTrainer(wasm, log, undefined, { augment });
  info.augment = augment;
  info.mnist_load_ms = data.loadMs;
  info.data_push = push;

  const warm = warmUp(trainer, { warmupSeconds: q.warmupSeconds ?? 3, warmupMinBatches: q.warmupMinBatches ?? 3 }, log);
  const train = timedTraining(trainer, { seconds: q.trainSeconds ?? 10, stepsPerCall: q.stepsPerCall ?? 1 }, log);
  train.warmup = warm;
  train.total_images_trained = warm.batches * BATCH + train.images;
  log(`train: ${train.images_per_sec.toFixed(1)} img/s over ${train.seconds.toFixed(1)} s (${train.gflops.toFixed(2)} GFLOP/s), loss ${train.mean_loss.toFixed(4)}`);

  const lat = latency(trainer, data, { calls: q.latencyCalls ?? 200, warmup: q.latencyWarmup ?? 50 });
  log(`single-image latency: median ${lat.ms.median.toFixed(4)} ms (p90 ${lat.ms.p90.toFixed(4)})`);

  const inference = batchedInference(trainer, data, { batch: q.inferBatch ?? 500, capSeconds: q.inferCapSeconds ?? 120 });
  log(`batched inference: ${inference.images_per_sec.toFixed(1)} img/s over ${inference.images} img; acc ${inference.accuracy.toFixed(4)} (after ${train.total_images_trained} training images)`);

  const evaluate = evaluateSpeed(trainer, q.evaluateLimit ?? 10000);
  log(`evaluate('test'): ${evaluate.images_per_sec.toFixed(1)} img/s, acc ${evaluate.accuracy.toFixed(4)}`);
  const layers = q.layerProfileSeconds === 0 ? null : layerProfile(trainer, data, { seconds: q.layerProfileSeconds ?? 3 });
  if (layers) log(`layer profile: ${layers.passes} passes, ${layers.pass_ms.toFixed(2)} ms a pass of ${BATCH}`);
  trainer.free();
  return { ...info, mode: 'bench', train, latency: lat, inference, evaluate, layer_profile: layers };
}

// Profile preparation (main thread): warm up, a short timed run without the profiler, a batch
// size sweep; then the runner calls trainFor(seconds) and inferFor(seconds) under Chromium's
// sampling profiler.
export async function prepareProfile(q, log, where) {
  const loaded = await loadBuild(q.build || 'profile');
  const wasm = loaded.wasm;
  const info = baseInfo(wasm, loaded, where);
  const { trainer, data, push } = await makeTrainer(wasm, log);
  info.mnist_load_ms = data.loadMs;
  info.data_push = push;
  const warm = warmUp(trainer, { warmupSeconds: q.warmupSeconds ?? 3 }, log);
  const train = timedTraining(trainer, { seconds: q.trainSeconds ?? 4 }, log);
  train.warmup = warm;
  log(`main-thread train (no profiler): ${train.images_per_sec.toFixed(1)} img/s`);

  // Batch-size sweep: per-step fixed costs show up as lower img/s at small batches.
  const sweep = [];
  const sizes = String(q.sweep ?? '16,64,256').split(',').filter(Boolean).map(Number);
  for (const bs of sizes) {
    trainer.setConfig({ batchSize: bs });
    const w = now();
    while (now() - w < 400) trainer.trainSteps(1);
    const r = timedTraining(trainer, { seconds: q.sweepSeconds ?? 1.5 });
    sweep.push({ batch_size: bs, images_per_sec: r.images_per_sec, ms_per_batch_median: r.batch_ms.median, ms_per_image: 1000 / r.images_per_sec, gflops: r.gflops });
  }
  trainer.setConfig({ batchSize: BATCH });
  const w = now();
  while (now() - w < 500) trainer.trainSteps(1);
  log('batch sweep:', JSON.stringify(sweep.map((s) => [s.batch_size, +s.images_per_sec.toFixed(1)])));

  const trainFor = (seconds) => {
    const r = timedTraining(trainer, { seconds });
    return { steps: r.steps, images: r.images, seconds: r.seconds, images_per_sec: r.images_per_sec, ms_per_step: (r.seconds * 1000) / r.steps };
  };
  // Inference under the profiler: predictBatch on 500-image batches of the test set, the
  // Float32Arrays built beforehand (only the wasm side is of interest here).
  const inferBatches = [];
  for (let start = 0; start + 500 <= 5000; start += 500) {
    const xs = new Float32Array(500 * 784);
    for (let i = 0; i < xs.length; i++) xs[i] = data.testX[start * 784 + i] / 255;
    inferBatches.push(xs);
  }
  const inferFor = (seconds) => {
    const t0 = now();
    let batches = 0;
    while ((now() - t0) / 1000 < seconds) trainer.predictBatch(inferBatches[batches++ % inferBatches.length]);
    const secs = (now() - t0) / 1000;
    return { steps: batches, images: batches * 500, seconds: secs, images_per_sec: (batches * 500) / secs, ms_per_step: (secs * 1000) / batches, step: 'predictBatch of 500 images' };
  };
  inferFor(0.5); // warm-up
  return { result: { ...info, mode: 'profile', train_no_profiler: train, batch_size_sweep: sweep }, trainFor, inferFor, trainer };
}
