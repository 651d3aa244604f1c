// TensorFlow.js benchmark page (copied from ../shared/bench-anchors/pages/tfjs-bench.mjs; only
// paths changed: this repo serves its root, the pages live in bench/pages/).
//
// Query parameters:
//   backend=wasm|cpu|webgl
//   simd=0            (wasm only) force the non-SIMD wasm binary
//   threads=0         (wasm only) force WASM_HAS_MULTITHREAD_SUPPORT=false
//   nthreads=N        (wasm only) tf.wasm.setThreadsCount(N)
//   hc=N              report navigator.hardwareConcurrency as N (see tfjs.html)
//   bpf=im2col|conv3d (wasm only) which Conv2DBackpropFilter shim to register
//   profile=0         skip the per-kernel profile of one training batch
//   mode=bench|epoch
// bench mode: warmupSeconds, trainSeconds, latencyCalls, latencyWarmup, inferBatch, inferCapSeconds
// epoch mode: epochCapSeconds, inferBatch
import { params, num, log, now, rootUrl, loadMnist, permutation, stats, envInfo, finish, fail, tick } from './common.mjs';
import { FLOPS } from '../flops.mjs';

const tf = window.tf;
const BATCH = 64;

function buildModel() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({
    optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7),
    loss: 'categoricalCrossentropy',
  });
  return model;
}

// Build one batch: fresh typed arrays each time (the cpu backend keeps a
// reference to the array passed to tf.tensor, so buffers must not be reused).
function makeBatch(X, Y, order, start, bs) {
  const xs = new Float32Array(bs * 784);
  const ys = new Float32Array(bs * 10);
  for (let b = 0; b < bs; b++) {
    const idx = order[start + b];
    const off = idx * 784;
    for (let i = 0; i < 784; i++) xs[b * 784 + i] = X[off + i] / 255;
    ys[b * 10 + Y[idx]] = 1;
  }
  return [tf.tensor4d(xs, [bs, 28, 28, 1]), tf.tensor2d(ys, [bs, 10])];
}

function imageTensorData(X, idx) {
  const xs = new Float32Array(784);
  const off = idx * 784;
  for (let i = 0; i < 784; i++) xs[i] = X[off + i] / 255;
  return xs;
}

async function trainBatch(model, data, order, pos, bs) {
  const [x, y] = makeBatch(data.trainX, data.trainY, order, pos, bs);
  const loss = await model.trainOnBatch(x, y); // resolves after the loss is read back (syncs the backend)
  x.dispose(); y.dispose();
  return loss;
}

// Batched inference over (a prefix of) the test set. Returns throughput and accuracy.
async function batchedInference(model, data, batch, capSeconds) {
  // warm-up with one batch (kernel compile / allocation for this shape)
  {
    const order = Int32Array.from({ length: batch }, (_, i) => i);
    const [x, y] = makeBatch(data.testX, data.testY, order, 0, batch);
    const p = model.predict(x);
    await p.data();
    p.dispose(); x.dispose(); y.dispose();
  }
  const order = Int32Array.from({ length: data.nTest }, (_, i) => i);
  let n = 0, correct = 0;
  const t0 = now();
  while (n < data.nTest) {
    const bs = Math.min(batch, data.nTest - n);
    const [x, y] = makeBatch(data.testX, data.testY, order, n, bs);
    const p = model.predict(x);
    const probs = await p.data();
    p.dispose(); x.dispose(); y.dispose();
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
  };
}

// ---- Conv2DBackpropFilter shim for the wasm backend.
// Stock @tensorflow/tfjs-backend-wasm 4.22.0 registers Conv2D and
// Conv2DBackpropInput but NOT Conv2DBackpropFilter, so training any Conv2D
// layer fails with "Kernel 'Conv2DBackpropFilter' not registered for backend
// 'wasm'" (tensorflow/tfjs issue #8474). The shim below registers that one
// kernel, built only from kernels that ship in the wasm package (everything
// still runs inside the tfjs wasm module; no JS math):
//   bpf=im2col (default): dW[kh,kw,ci,co] = P^T x dy, with P^T (kh*kw*ci x N*OH*OW)
//        assembled from Slice + Transpose + Concat, and the product done by
//        the wasm BatchMatMul kernel (which takes its XNNPACK GEMM path for
//        untransposed batch-1 operands; single-threaded in tfjs).
//   bpf=conv3d: the package's naive Conv3DBackpropFilterV2 kernel with depth 1.
function registerWasmConv2DBackpropFilterShim(variant) {
  const K = (name) => tf.getKernel(name, 'wasm').kernelFunc;
  const reshape = K('Reshape'), c3 = K('Conv3DBackpropFilterV2');
  const slice = K('Slice'), transpose = K('Transpose'), concat = K('Concat'), matmul = K('BatchMatMul');
  const viaConv3d = ({ x, dy }, backend, { strides, pad, filterShape }) => {
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    const [n, h, w, ci] = x.shape;
    const [, oh, ow, co] = dy.shape;
    const x5 = reshape({ inputs: { x }, backend, attrs: { shape: [n, 1, h, w, ci] } });
    const dy5 = reshape({ inputs: { x: dy }, backend, attrs: { shape: [n, 1, oh, ow, co] } });
    const dw5 = c3({ inputs: { x: x5, dy: dy5 }, backend, attrs: { strides: [1, sh, sw], pad, filterShape: [1, ...filterShape] } });
    const dw = reshape({ inputs: { x: dw5 }, backend, attrs: { shape: filterShape } });
    for (const t of [x5, dy5, dw5]) backend.disposeData(t.dataId);
    return dw;
  };
  const viaIm2col = ({ x, dy }, backend, { filterShape }) => {
    const [kh, kw, ci, co] = filterShape;
    const [n] = x.shape;
    const [, oh, ow] = dy.shape;
    const M = n * oh * ow;
    const tmp = [], parts = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const s = slice({ inputs: { x }, backend, attrs: { begin: [0, i, j, 0], size: [n, oh, ow, ci] } });
        const t = transpose({ inputs: { x: s }, backend, attrs: { perm: [3, 0, 1, 2] } });
        const r = reshape({ inputs: { x: t }, backend, attrs: { shape: [ci, M] } });
        tmp.push(s, t, r); parts.push(r);
      }
    }
    const A = concat({ inputs: parts, backend, attrs: { axis: 0 } }); // [kh*kw*ci, M], row = (i*kw+j)*ci + c
    const A3 = reshape({ inputs: { x: A }, backend, attrs: { shape: [1, kh * kw * ci, M] } });
    const B3 = reshape({ inputs: { x: dy }, backend, attrs: { shape: [1, M, co] } });
    const out = matmul({ inputs: { a: A3, b: B3 }, backend, attrs: { transposeA: false, transposeB: false } });
    const dw = reshape({ inputs: { x: out }, backend, attrs: { shape: filterShape } });
    for (const t of [...tmp, A, A3, B3, out]) backend.disposeData(t.dataId);
    return dw;
  };
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { strides, pad, dataFormat, dimRoundingMode, dilations } = attrs;
      if (dataFormat && dataFormat !== 'NHWC') throw new Error('shim: only NHWC');
      if (dimRoundingMode != null) throw new Error('shim: dimRoundingMode unsupported');
      const unitStride = strides === 1 || (Array.isArray(strides) && strides.every((v) => v === 1));
      if (variant === 'im2col' && unitStride && pad === 'valid') return viaIm2col(inputs, backend, attrs);
      return viaConv3d(inputs, backend, attrs);
    },
  });
}

// Check the registered Conv2DBackpropFilter against a plain-JS reference on small random data.
function shimSelfTest() {
  const [n, h, w, ci, co, k] = [2, 7, 6, 3, 4, 3];
  const oh = h - k + 1, ow = w - k + 1;
  const xs = Float32Array.from({ length: n * h * w * ci }, (_, i) => Math.sin(i * 0.37));
  const dys = Float32Array.from({ length: n * oh * ow * co }, (_, i) => Math.cos(i * 0.21));
  const ref = new Float64Array(k * k * ci * co);
  for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++)
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++)
      ref[((i * k + j) * ci + c) * co + o] += xs[((b * h + y + i) * w + x + j) * ci + c] * dys[((b * oh + y) * ow + x) * co + o];
  const xt = tf.tensor4d(xs, [n, h, w, ci]), dyt = tf.tensor4d(dys, [n, oh, ow, co]);
  const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [k, k, ci, co] });
  const got = dw.dataSync();
  let maxErr = 0;
  for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - ref[i]));
  xt.dispose(); dyt.dispose(); dw.dispose();
  return maxErr;
}

// Try one training step of the real model with the stock kernels; return the error (if any).
async function stockTrainingCheck() {
  const m = buildModel();
  const x = tf.zeros([2, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d([1, 2], 'int32'), 10).toFloat();
  try {
    await m.trainOnBatch(x, y);
    return null;
  } catch (e) {
    return String(e && e.message ? e.message : e);
  } finally {
    x.dispose(); y.dispose(); m.dispose();
  }
}

// Per-kernel time of one training batch (tf.profile); wall-clock per kernel.
async function kernelProfile(model, data, order, pos) {
  try {
    const prof = await tf.profile(async () => { await trainBatch(model, data, order, pos, BATCH); });
    const agg = {};
    let total = 0;
    for (const k of prof.kernels) {
      const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : null;
      if (t == null) continue;
      agg[k.name] = agg[k.name] || { ms: 0, calls: 0 };
      agg[k.name].ms += t; agg[k.name].calls++;
      total += t;
    }
    const top = Object.entries(agg).sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)
      .map(([name, v]) => ({ kernel: name, ms: +v.ms.toFixed(3), calls: v.calls, share: +(v.ms / total).toFixed(3) }));
    return { note: 'one training batch of 64 under tf.profile (profiling adds sync overhead)', total_kernel_ms: +total.toFixed(2), top_kernels: top };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

async function setup() {
  const backend = params.backend || 'wasm';
  const info = { backend_requested: backend, env: envInfo(), tfjs_version: tf.version };
  info.env.real_hardware_concurrency = window.__realHardwareConcurrency;
  info.env.spoofed_hardware_concurrency = window.__spoofedHardwareConcurrency ?? null;
  if (backend === 'wasm') {
    if (!tf.wasm) throw new Error('tf-backend-wasm not loaded');
    tf.wasm.setWasmPaths(rootUrl('node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
    if (params.simd === '0') tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
    if (params.threads === '0') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (params.nthreads) tf.wasm.setThreadsCount(Number(params.nthreads));
  }
  const t0 = now();
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  info.backend_init_ms = now() - t0;
  info.backend = tf.getBackend();
  if (backend === 'wasm') {
    info.wasm_has_simd_support = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.wasm_has_multithread_support = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    info.wasm_threads_count = tf.wasm.getThreadsCount();
    info.wasm_default_threads_count_rule = 'tfjs-backend-wasm default = clamp(navigator.hardwareConcurrency / 2, 1, 4); override with tf.wasm.setThreadsCount';
    info.wasm_stock_training_error = await stockTrainingCheck();
    if (info.wasm_stock_training_error && params.shim !== 'none') {
      const variant = params.bpf === 'conv3d' ? 'conv3d' : 'im2col';
      registerWasmConv2DBackpropFilterShim(variant);
      info.wasm_conv2d_backprop_filter_shim = variant === 'im2col'
        ? 'im2col: Slice+Transpose+Concat then BatchMatMul (XNNPACK GEMM path), all wasm kernels of the package'
        : 'conv3d: the package\'s Conv3DBackpropFilterV2 kernel with depth 1 (naive loops)';
      info.wasm_shim_self_test_max_abs_err = shimSelfTest();
      info.wasm_training_error_after_shim = await stockTrainingCheck();
    }
    info.wasm_binary = info.wasm_has_simd_support && info.wasm_has_multithread_support
      ? 'tfjs-backend-wasm-threaded-simd.wasm'
      : info.wasm_has_simd_support ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  }
  if (backend === 'webgl') {
    info.webgl_version = tf.env().getNumber('WEBGL_VERSION');
    try {
      const gl = document.createElement('canvas').getContext(info.webgl_version === 2 ? 'webgl2' : 'webgl');
      const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
      info.webgl_renderer = gl ? (ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) : null;
    } catch (e) { info.webgl_renderer = 'unknown: ' + e; }
  }
  log(`backend ${info.backend} ready in ${info.backend_init_ms.toFixed(0)} ms`, JSON.stringify(info));
  return info;
}

async function benchMode(info, data) {
  const warmupSeconds = num('warmupSeconds', 3);
  const warmupMinBatches = num('warmupMinBatches', 3);
  const trainSeconds = num('trainSeconds', 20);
  const latencyCalls = num('latencyCalls', 200);
  const latencyWarmup = num('latencyWarmup', 20);
  const inferBatch = num('inferBatch', 500);
  const inferCapSeconds = num('inferCapSeconds', 30);

  const model = buildModel();
  info.params = model.countParams();
  if (info.params !== FLOPS.params) throw new Error(`param count ${info.params} != ${FLOPS.params}`);
  const order = permutation(data.nTrain, 1234);
  let pos = 0;
  const next = () => { if (pos + BATCH > data.nTrain) pos = 0; const p = pos; pos += BATCH; return p; };

  // --- warm-up
  let t0 = now(), wb = 0, firstLoss = null;
  const firstBatchStart = now();
  let firstBatchMs = null;
  while (wb < warmupMinBatches || (now() - t0) / 1000 < warmupSeconds) {
    const l = await trainBatch(model, data, order, next(), BATCH);
    if (wb === 0) { firstBatchMs = now() - firstBatchStart; firstLoss = l; }
    wb++;
    if (wb >= 200) break;
  }
  const warm = { batches: wb, seconds: (now() - t0) / 1000, first_batch_ms: firstBatchMs, first_loss: firstLoss };
  log(`warm-up: ${wb} batches in ${warm.seconds.toFixed(1)} s (first batch ${firstBatchMs.toFixed(0)} ms)`);

  // --- steady-state training
  const batchMs = [];
  let images = 0, lastLoss = null, lastLog = now();
  t0 = now();
  while ((now() - t0) / 1000 < trainSeconds) {
    const tb = now();
    lastLoss = await trainBatch(model, data, order, next(), BATCH);
    batchMs.push(now() - tb);
    images += BATCH;
    if (now() - lastLog > 5000) { lastLog = now(); log(`train: ${images} img, ${(images / ((now() - t0) / 1000)).toFixed(1)} img/s, loss ${lastLoss.toFixed(4)}`); }
  }
  const trainSecs = (now() - t0) / 1000;
  const train = {
    batch_size: BATCH,
    warmup: warm,
    images,
    seconds: trainSecs,
    images_per_sec: images / trainSecs,
    gflops: (images / trainSecs) * FLOPS.train_flops_per_image / 1e9,
    batch_ms: stats(batchMs),
    last_loss: lastLoss,
    total_images_trained: (wb * BATCH) + images,
    tensors_alive: tf.memory().numTensors,
  };
  log(`train: ${train.images_per_sec.toFixed(1)} img/s over ${trainSecs.toFixed(1)} s`);
  if (params.profile !== '0') {
    train.kernel_profile = await kernelProfile(model, data, order, next());
    log('kernel profile:', JSON.stringify(train.kernel_profile.top_kernels?.slice(0, 6) ?? train.kernel_profile));
  }

  // --- single-image latency (predict + read back), median of latencyCalls
  const lat = [];
  for (let i = 0; i < latencyWarmup + latencyCalls; i++) {
    const xs = imageTensorData(data.testX, i % data.nTest);
    const ts = now();
    const y = tf.tidy(() => model.predict(tf.tensor4d(xs, [1, 28, 28, 1])));
    y.dataSync();
    y.dispose();
    const dt = now() - ts;
    if (i >= latencyWarmup) lat.push(dt);
    if (i % 50 === 0) await tick();
  }
  const latency = { calls: latencyCalls, warmup_calls: latencyWarmup, ms: stats(lat) };
  latency.gflops_at_median = FLOPS.forward_flops_per_image / (latency.ms.median / 1000) / 1e9;
  log(`single-image latency: median ${latency.ms.median.toFixed(3)} ms`);

  // --- batched inference on the test set
  const infer = await batchedInference(model, data, inferBatch, inferCapSeconds);
  log(`batched inference: ${infer.images_per_sec.toFixed(1)} img/s over ${infer.images} img; acc ${infer.accuracy.toFixed(4)} (after ${train.total_images_trained} training images)`);

  model.dispose();
  return { ...info, mode: 'bench', train, latency, inference: infer };
}

async function epochMode(info, data) {
  const capSeconds = num('epochCapSeconds', 480);
  const inferBatch = num('inferBatch', 500);
  const model = buildModel();
  info.params = model.countParams();
  const order = permutation(data.nTrain, 42);
  let pos = 0, batches = 0, lastLoss = null, lastLog = now();
  const t0 = now();
  let capped = false;
  while (pos < data.nTrain) {
    const bs = Math.min(BATCH, data.nTrain - pos); // 937 x 64 + 1 x 32 = 60000
    lastLoss = await trainBatch(model, data, order, pos, bs);
    pos += bs; batches++;
    if (now() - lastLog > 10000) {
      lastLog = now();
      log(`epoch: ${pos}/60000 img, ${(pos / ((now() - t0) / 1000)).toFixed(1)} img/s, loss ${lastLoss.toFixed(4)}`);
    }
    if ((now() - t0) / 1000 > capSeconds) { capped = true; break; }
  }
  const secs = (now() - t0) / 1000;
  log(`epoch: trained ${pos} images in ${secs.toFixed(1)} s${capped ? ' (time cap hit)' : ''}`);
  const test = await batchedInference(model, data, inferBatch, 1e9);
  log(`test accuracy ${test.accuracy.toFixed(4)} on ${test.images} images`);
  model.dispose();
  return {
    ...info,
    mode: 'epoch',
    epoch: {
      images_trained: pos,
      full_epoch: pos === data.nTrain,
      time_cap_seconds: capSeconds,
      batches,
      seconds: secs,
      images_per_sec_including_first_batch: pos / secs,
      gflops: (pos / secs) * FLOPS.train_flops_per_image / 1e9,
      last_batch_loss: lastLoss,
      shuffle_seed: 42,
    },
    test,
  };
}

(async () => {
  try {
    const info = await setup();
    const data = await loadMnist();
    info.mnist_load_ms = data.loadMs;
    const mode = params.mode || 'bench';
    const res = mode === 'epoch' ? await epochMode(info, data) : await benchMode(info, data);
    document.getElementById('out').textContent = JSON.stringify(res, null, 2);
    finish(res);
  } catch (e) {
    fail(e);
  }
})();
