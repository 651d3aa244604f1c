// Test-set scoring shared with the compute workers (worker-pool.js), so that an evaluation does
// not leave all but one core idle: the 1,000-image estimates while training, and at an epoch's
// end the 10,000 test images, whose tail the compute workers score while the coordinator scores
// the held-out validation images (which only it holds) and then the test set's head.
//
// A compute worker holds no data set, so the coordinator hands each one a copy of the test set
// (IDX files, as the page's download) once per test set. It scores its range with the model it
// holds after applying the summed gradient it owes: the coordinator's model, which the answer's
// state checksum confirms. Scores are the facade's (`trainer.evaluate`); the coordinator only
// adds the parts' counts and loss sums (`mergeSums`) and lets the facade compute the totals.
import * as X from './exchange.js';

/** Below this many images a part is not worth a round trip. */
export const MIN_PART = 256;
const EVAL_BATCH = 512; // images per evaluate call on a compute worker
const SCORE_TIMEOUT_MS = 300_000; // a slow phone scoring 10,000 images

/**
 * How `total` test images are cut between the coordinator and `helpers` compute workers, each
 * doing about the same work: the coordinator also scores `ownExtra` images of its own first
 * (the validation set). `{ own, parts: [{ offset, count }] }`: the coordinator scores
 * [0, own) — at least one image, which carries the merged sums through the facade — and
 * the parts the rest, in order; no part under MIN_PART (then fewer parts, or none).
 */
export function splitTest(total, helpers, ownExtra = 0) {
  for (let n = helpers; n > 0; n--) {
    const each = Math.floor((total + ownExtra) / (n + 1));
    const own = Math.max(1, total - each * n);
    const rest = total - own;
    if (Math.floor(rest / n) < MIN_PART) continue;
    const parts = Array.from({ length: n }, (_, k) => {
      const offset = own + Math.floor((k * rest) / n);
      return { offset, count: own + Math.floor(((k + 1) * rest) / n) - offset };
    });
    return { own, parts };
  }
  return { own: total, parts: [] };
}

/** The facade's running scores of several parts added up: `{ count, correct, lossSum }`. */
export function mergeSums(...sums) {
  const add = (key) => sums.reduce((a, s) => a + (s?.[key] ?? 0), 0);
  return { count: add('count'), correct: add('correct'), lossSum: add('lossSum') };
}

/** The IDX files of `labels.length` images of rows x cols bytes (`pixels`, one after another). */
export function idxFiles(pixels, labels, rows, cols) {
  const n = labels.length;
  const images = new Uint8Array(16 + n * rows * cols);
  const head = new DataView(images.buffer);
  [0x0803, n, rows, cols].forEach((v, i) => head.setUint32(4 * i, v));
  images.set(pixels.subarray(0, n * rows * cols), 16);
  const labelFile = new Uint8Array(8 + n);
  new DataView(labelFile.buffer).setUint32(0, 0x0801);
  new DataView(labelFile.buffer).setUint32(4, n);
  labelFile.set(labels, 8);
  return { images, labels: labelFile };
}

/** The first `count` test images of `trainer` as IDX files, for a compute worker. */
function testFiles(trainer, count) {
  const [rows, cols] = trainer.modelDescription().input;
  const size = rows * cols;
  const pixels = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) pixels.set(trainer.image('test', i), i * size);
  const labels = new Uint8Array(count);
  trainer.labels('test', 0, labels);
  return idxFiles(pixels, labels, rows, cols);
}

/**
 * A compute worker's side (compute-core.js): the test set handed over (TEST_SET), and a range
 * scored (EVALUATE): `{ sums, predictions, confidence }`.
 */
export function loadTestSet(trainer, m) {
  trainer.clearData('test');
  trainer.pushData('test', 'images', m.images);
  trainer.pushData('test', 'labels', m.labels);
  trainer.finishData('test', 'images');
  trainer.finishData('test', 'labels');
}

export function scoreRange(trainer, offset, count) {
  const predictions = new Uint8Array(count);
  const confidence = new Float32Array(count);
  let sums;
  for (let i = 0; i < count; i += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, count - i);
    sums = trainer.evaluate('test', offset + i, predictions.subarray(i, i + n), confidence.subarray(i, i + n), sums);
  }
  return { sums, predictions, confidence };
}

/**
 * The coordinator's side: starts the compute workers' parts of a test-set score and hands them
 * to the evaluation that follows (worker-evaluation.js), if the model is still the same then.
 */
export class SharedScoring {
  /** `pool`: the WorkerPool (its `scorers()`: the compute workers that can score now). */
  constructor(pool) {
    this.pool = pool;
    this.version = 0; // of the test set: bumped when it changes
    this.files = null; // the IDX files of the current test set, once made
    this.pending = null;
  }

  /** The test set changed (new data, cleared): the compute workers' copies are out of date. */
  testChanged() {
    this.version += 1;
    this.files = null;
    this.pending = null;
  }

  /**
   * Starts scoring the tail of the first `total` test images on the compute workers, with the
   * model as it is now; the coordinator will score `ownExtra` images of its own first. Does
   * nothing without a compute worker ready, or while the test set is still loading.
   */
  start(trainer, total, ownExtra = 0) {
    this.pending = null;
    const scorers = this.pool.scorers();
    const { own, parts } = splitTest(total, scorers.length, ownExtra);
    const test = trainer.dataStatus().test;
    if (parts.length === 0 || !test.complete) return; // a copy of a test set still loading would go stale
    this.files ??= testFiles(trainer, test.usable);
    const checksum = trainer.stateChecksum();
    const answers = Promise.all(parts.map((p, k) => this.#score(scorers[k], p, checksum)));
    this.pending = { total, own, checksum, answers };
  }

  /**
   * What `start` began for `total` images, if the model is still the one it was started with:
   * `{ own, answers: Promise<[{ offset, count, sums, predictions, confidence }] | null> }`
   * (null: a part failed; the coordinator scores it), else null. Each start is taken once.
   */
  take(trainer, total) {
    const p = this.pending;
    this.pending = null;
    if (!p || p.total !== total || p.checksum !== trainer.stateChecksum()) return null;
    return { own: p.own, answers: p.answers.then((a) => (a.every(Boolean) ? a : null)) };
  }

  async #score(s, part, checksum) {
    try {
      if (s.testVersion !== this.version) {
        const version = this.version;
        const { images, labels } = this.files;
        await s.ask({ type: X.Msg.TEST_SET, images, labels }, SCORE_TIMEOUT_MS);
        s.setTestVersion(version);
      }
      const a = await s.score({ type: X.Msg.EVALUATE, offset: part.offset, count: part.count }, SCORE_TIMEOUT_MS);
      // Another model (it missed a change): its scores are not this model's.
      if (a.checksum !== checksum) return null;
      return { ...part, sums: a.sums, predictions: a.predictions, confidence: a.confidence };
    } catch {
      return null; // it failed or was stopped (the pool tells why): the coordinator scores the part
    }
  }
}
