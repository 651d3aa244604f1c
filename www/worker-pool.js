// Data-parallel training over compute workers (www/compute-worker.js), run by the training
// worker (the coordinator): synchronous SGD, every worker holding the same model.
//
// The coordinator is worker 0: it keeps the data, the epoch order, the counters and the model the
// page predicts with, evaluates, exports and saves, and computes share 0 of every batch itself.
// One worker is therefore exactly the single-threaded path (no compute worker, the whole batch
// is share 0), and on a 2-core machine no core idles in a coordinator that only waits.
// Per step (`step`):
//   1. `beginStep(n)` draws the batch (indices, per-image augmentation seeds) and cuts it into n
//      shares; share k's raw pixels, labels and seeds go to compute worker k (`shareInput`), with
//      the previous step's summed gradient and rate, which it applies first;
//   2. the coordinator computes share 0 in parts of PART_IMAGES, yielding to its messages;
//   3. the shares' gradients are added in share order (`addShare`, SIMD in wasm): the sum is the
//      same bits on every run; `finishStep` checks it (divergence: nothing is applied anywhere)
//      and takes Adam's step; the sum is kept for the compute workers' next step.
// Transport: with `crossOriginIsolated`, one SharedArrayBuffer channel per compute worker and one
// for the sum, `Atomics` to start and finish a step (a compute worker blocks in Atomics.wait; the
// coordinator awaits Atomics.waitAsync where it exists); otherwise postMessage with the same
// buffers transferred back and forth (both in www/pool-transport.js; the layout: exchange.js).
// Compute workers hold no data: a share's bytes travel with the step (~25 kB for 32 images).
// A compute worker is loaded with the coordinator's weights and Adam state (checked by checksum)
// before it first takes part, at the start of every training loop (a reset, an import or a
// restore happened meanwhile), and whenever it missed a step. One that fails or cannot start is
// dropped with a note (`onNote`); the batch under way is then computed by the coordinator alone
// (same images, same distortions), so nothing is lost and training goes on with fewer workers.
import * as X from './exchange.js';
import { sendShare, takeDone } from './pool-transport.js';

/** Images per `trainOwn` call: two micro-batches, ~20 ms. */
export const PART_IMAGES = 32;
export const MAX_WORKERS = 8;
const START_TIMEOUT_MS = 30_000;
const ANSWER_TIMEOUT_MS = 10_000;

/** Workers for the setting's value: 0 is auto (one per core, at most 8). */
export function wantedWorkers(setting, cores = navigator.hardwareConcurrency ?? 1) {
  const n = setting > 0 ? setting : cores;
  return Math.max(1, Math.min(MAX_WORKERS, Math.floor(n) || 1));
}

export class WorkerPool {
  /**
   * @param {object} o
   * @param {string} o.build  'simd' | 'scalar' (the compute workers load the same glue)
   * @param {WebAssembly.Module} o.module  compiled once, by the coordinator
   * @param {number} o.params  parameters of the model (parameterCount())
   * @param {number} o.pixels  pixels of one image (the product of the model's input shape)
   * @param {boolean} o.shared  use SharedArrayBuffer channels (the page is cross-origin isolated)
   * @param {(text: string) => void} o.onNote  a worker failed or could not start
   * @param {() => void} o.onChange  the set of training workers changed
   * @param {(id: number) => Worker} [o.spawn]  starts a compute worker (the benchmark's own
   *   script); by default www/compute-worker.js
   */
  constructor({ build, module, params, pixels, shared, onNote, onChange, spawn = null }) {
    Object.assign(this, { build, module, params, pixels, shared, onNote, onChange, spawn });
    this.helpers = []; // compute workers, in share order (share k + 1)
    this.wanted = 1;
    this.nextId = 1;
    this.stepping = false;
    this.lr = NaN; // the rate of the last summed gradient (this.sum)
    this.sum = shared ? new SharedArrayBuffer(params * 4) : null;
    this.sumView = shared ? new Float32Array(this.sum) : null;
    this.syncMs = 0; // last step: adding the shares, Adam's step, the sum handed on (the exchange)
    this.waitMs = 0; // last step: waiting for the compute workers after the own share
  }

  /** 'shared memory' or 'messages'. */
  get transport() {
    return this.shared ? 'shared memory' : 'messages';
  }

  /** Workers training now: the coordinator and the compute workers ready to take part. */
  get training() {
    return 1 + this.helpers.filter((h) => h.ready && !h.dead).length;
  }

  /** Asks for `n` workers in all; started or stopped between steps. */
  setWanted(n) {
    this.wanted = Math.max(1, Math.min(MAX_WORKERS, n));
    if (!this.stepping) this.#adjust();
  }

  /**
   * The model now has `params` parameters (another class count): the compute workers and the
   * exchange are sized anew, so new ones start (between steps; a step waiting for one fails over).
   */
  resize(params) {
    if (params === this.params) return;
    for (const h of [...this.helpers]) {
      h.pending?.resolve({ failed: 'the model was rebuilt' });
      this.#stop(h);
    }
    this.params = params;
    this.sum = this.shared ? new SharedArrayBuffer(params * 4) : null;
    this.sumView = this.shared ? new Float32Array(this.sum) : null;
    if (!this.stepping) this.#adjust();
  }

  /** Whether a compute worker must be loaded with the model before the next step. */
  get needsSync() {
    return this.helpers.some((h) => h.ready && !h.dead && !h.synced);
  }

  /** Forgets what the compute workers hold: the model changed outside a step. */
  invalidate() {
    for (const h of this.helpers) h.synced = false;
  }

  /** Loads the coordinator's weights and Adam state into every compute worker that needs them. */
  async sync(trainer) {
    const todo = this.helpers.filter((h) => h.ready && !h.dead && !h.synced);
    if (todo.length === 0) return;
    const weights = trainer.exportWeights();
    const expected = trainer.stateChecksum();
    await Promise.all(
      todo.map(async (h) => {
        try {
          const a = await this.#ask(h, { type: X.Msg.LOAD, weights: weights.slice() });
          if (a.checksum !== expected) throw new Error('its copy of the model differs');
          Object.assign(h, { synced: true, owes: false, memoryBytes: a.memoryBytes });
        } catch (err) {
          this.#drop(h, `could not be given the model (${err?.message ?? err})`);
        }
      }),
    );
  }

  /**
   * The state checksum of every worker (the coordinator first), after each compute worker has
   * applied the last summed gradient: all equal when they hold the same model. Between steps only.
   */
  async checksums(trainer) {
    const own = trainer.stateChecksum();
    const answers = await Promise.all(
      this.helpers
        .filter((h) => h.ready && !h.dead && h.synced)
        .map(async (h) => {
          // Cleared before the answer: a loop that starts meanwhile loads the model anew (LOAD
          // is queued behind this message) and must not apply this gradient a second time.
          const lr = h.owes ? this.lr : NaN;
          const sum = this.shared || !h.owes ? null : h.buffers.sum.slice();
          h.owes = false;
          try {
            const a = await this.#ask(h, { type: X.Msg.CHECKSUM, lr, sum });
            h.memoryBytes = a.memoryBytes;
            return a.checksum;
          } catch (err) {
            this.#drop(h, `did not answer (${err?.message ?? err})`);
            return null;
          }
        }),
    );
    return [own, ...answers.filter((c) => c !== null)];
  }

  /** Memory of each compute worker's wasm instance, in bytes (as last reported). */
  get memory() {
    return this.helpers.filter((h) => h.ready && !h.dead).map((h) => h.memoryBytes);
  }

  /**
   * One step of the whole batch over every ready worker; resolves to `finishStep`'s report, or
   * null when the batch was dropped meanwhile (a reset, an import, new data: the model changed,
   * the compute workers are loaded again before the next step). Throws what `finishStep` throws
   * (a diverged step is applied nowhere). `pause()` lets the coordinator's messages in.
   */
  async step(trainer, { sliceMs, pause, keepGoing = () => true }) {
    this.stepping = true;
    try {
      return await this.#step(trainer, sliceMs, pause, keepGoing);
    } finally {
      this.stepping = false;
      this.#adjust();
    }
  }

  async #step(trainer, sliceMs, pause, keepGoing) {
    const ready = this.helpers.filter((h) => h.ready && !h.dead && h.synced);
    const parts = trainer.beginStep(1 + ready.length);
    const used = ready.slice(0, parts - 1);
    for (const h of ready.slice(parts - 1)) h.synced = false; // it misses this step's gradient
    const batch = trainer.stepImages();
    const augment = trainer.stepAugments();
    const replies = used.map((h, i) => sendShare(h, trainer, { k: i + 1, batch, augment, lr: h.owes ? this.lr : NaN, shared: this.shared }));
    // Alone, a large batch may stay under way across a pause (as trainPart's did).
    const suspend = used.length === 0 ? () => !keepGoing() : () => false;
    let alive = await this.#computeOwn(trainer, sliceMs, pause, suspend);
    if (alive === 'suspended') return null;
    const ownDone = performance.now();
    const results = await Promise.all(replies);
    const t0 = performance.now();
    this.waitMs = t0 - ownDone;
    // A reset, an import or new data while the compute workers finished: the batch is gone.
    if (alive && !trainer.stepUnderWay()) alive = false;
    if (alive && results.some((r) => r.failed)) {
      used.forEach((h, i) => results[i].failed && this.#drop(h, results[i].failed));
      trainer.computeStepAlone(); // the same batch, the same distortions, on this worker
      alive = await this.#computeOwn(trainer, sliceMs, pause, () => false);
    } else if (alive) {
      for (let i = 0; i < used.length; i++) {
        trainer.exchangeGradient().set(results[i].grad);
        trainer.addShare(results[i].lossSum, results[i].correct, results[i].images);
      }
    }
    if (!alive) {
      this.invalidate();
      return null;
    }
    let report;
    try {
      report = trainer.finishStep();
    } catch (err) {
      this.lr = NaN;
      throw err;
    } finally {
      for (const h of used) h.owes = false;
    }
    this.lr = report.learningRate;
    const sum = trainer.stepGradient(); // a view: copied at once
    if (this.shared) this.sumView.set(sum);
    for (const h of used) {
      if (h.dead) continue;
      h.owes = true;
      if (!this.shared) h.buffers.sum.set(sum); // back from the worker with its answer
    }
    this.syncMs = performance.now() - t0;
    return report;
  }

  /**
   * Computes the coordinator's share in parts, letting messages in every `sliceMs`; false if the
   * batch was dropped meanwhile, 'suspended' if `suspend()` said to stop there (it stays under way).
   */
  async #computeOwn(trainer, sliceMs, pause, suspend) {
    let t = performance.now();
    while (trainer.trainOwn(PART_IMAGES) > 0) {
      if (performance.now() - t < sliceMs) continue;
      await pause();
      if (!trainer.stepUnderWay()) return false;
      if (suspend()) return 'suspended';
      t = performance.now();
    }
    return true;
  }

  /** Starts or stops compute workers to match `wanted` (between steps). */
  #adjust() {
    const live = this.helpers.filter((h) => !h.dead);
    for (let n = live.length + 1; n < this.wanted; n++) this.#start();
    const extra = this.helpers.filter((h) => !h.dead).slice(this.wanted - 1);
    for (const h of extra) this.#stop(h);
    if (extra.length) this.onChange();
  }

  #start() {
    const h = { id: this.nextId++, ready: false, dead: false, synced: false, owes: false, memoryBytes: 0, answers: new Map() };
    this.helpers.push(h);
    const fail = (why) => this.#drop(h, why);
    try {
      h.worker = this.spawn
        ? this.spawn(h.id)
        : new Worker(new URL('./compute-worker.js', import.meta.url), { type: 'module', name: `compute-${h.id}` });
    } catch (err) {
      fail(`could not start (${err?.message ?? err})`);
      return;
    }
    h.startTimer = setTimeout(() => !h.ready && fail('did not start in time'), START_TIMEOUT_MS);
    h.worker.onerror = (e) => {
      e.preventDefault?.();
      fail(h.ready ? `stopped (${e.message || 'an error'})` : `could not start (${e.message || 'its script failed to load'})`);
    };
    h.worker.onmessage = ({ data: m }) => {
      switch (m.type) {
        case X.Msg.READY:
          clearTimeout(h.startTimer);
          Object.assign(h, { ready: true, memoryBytes: m.memoryBytes });
          this.onChange();
          break;
        case X.Msg.ANSWER:
          h.answers.get(m.id)?.resolve(m);
          h.answers.delete(m.id);
          break;
        case X.Msg.DONE:
          takeDone(h, m);
          break;
        case X.Msg.FAILED:
          fail(`failed: ${m.message}`);
          break;
        default:
      }
    };
    const init = { type: X.Msg.INIT, build: this.build, module: this.module, params: this.params, pixels: this.pixels };
    if (this.shared) {
      h.channel = new SharedArrayBuffer(X.channelBytes(this.params, this.pixels));
      h.views = X.channelViews(h.channel, this.params, this.pixels);
      Object.assign(init, { channel: h.channel, sum: this.sum });
    } else {
      h.buffers = X.stepBuffers(this.params, this.pixels);
    }
    h.worker.postMessage(init);
  }

  #ask(h, message) {
    const id = (h.askId = (h.askId ?? 0) + 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer in time')), ANSWER_TIMEOUT_MS);
      h.answers.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject,
      });
      h.worker.postMessage({ ...message, id });
    });
  }

  #stop(h) {
    h.dead = true;
    h.deathReason = 'stopped';
    clearTimeout(h.startTimer);
    h.worker?.terminate();
    this.helpers = this.helpers.filter((x) => x !== h);
  }

  /** Drops a compute worker that failed, with a note; a step waiting for it sees `failed`. */
  #drop(h, why) {
    if (h.dead) return;
    const wasReady = h.ready;
    h.dead = true;
    h.deathReason = why;
    clearTimeout(h.startTimer);
    h.worker?.terminate();
    this.helpers = this.helpers.filter((x) => x !== h);
    h.pending?.resolve({ failed: why });
    for (const a of h.answers.values()) a.reject(new Error(why));
    this.wanted = Math.min(this.wanted, 1 + this.helpers.length); // no endless restarts
    this.onNote(`Compute worker ${h.id} ${why}; training goes on with ${this.training} worker${this.training === 1 ? '' : 's'}.`);
    if (wasReady || !this.stepping) this.onChange();
  }
}
