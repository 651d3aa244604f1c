// Keeps a long per-step series drawable at constant cost.
//
// A Decimator holds at most `capacity` buckets. Each bucket summarises `width` consecutive
// points (x of its first point, min, max, mean, last). When the buckets fill up, neighbours are
// merged pairwise and `width` doubles, so pushing a point is O(1) amortised and drawing costs
// O(capacity) however long the run: a million training steps draw like two thousand.
// The raw loss is drawn as its min..max band per bucket (spikes stay visible), the smoothed
// curves as bucket means.

export class Decimator {
  constructor(capacity = 2048) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity % 2) {
      throw new Error(`Decimator capacity must be an even integer >= 2, got ${capacity}`);
    }
    this.capacity = capacity;
    this.clear();
  }

  clear() {
    this.width = 1; // points per closed bucket
    this.count = 0; // points pushed
    this.x = [];
    this.min = [];
    this.max = [];
    this.sum = [];
    this.n = [];
    this.last = [];
  }

  /** Number of buckets (the last one may be partial). */
  get length() {
    return this.x.length;
  }

  push(x, y) {
    const k = this.x.length - 1;
    if (k >= 0 && this.n[k] < this.width) {
      if (y < this.min[k]) this.min[k] = y;
      if (y > this.max[k]) this.max[k] = y;
      this.sum[k] += y;
      this.n[k] += 1;
      this.last[k] = y;
    } else {
      if (this.x.length === this.capacity) this.#halve();
      this.x.push(x);
      this.min.push(y);
      this.max.push(y);
      this.sum.push(y);
      this.n.push(1);
      this.last.push(y);
    }
    this.count += 1;
  }

  /** Merges buckets 2i and 2i+1 into bucket i; the bucket width doubles. */
  #halve() {
    const half = this.x.length / 2;
    for (let i = 0; i < half; i++) {
      const a = 2 * i;
      const b = a + 1;
      this.x[i] = this.x[a];
      this.min[i] = Math.min(this.min[a], this.min[b]);
      this.max[i] = Math.max(this.max[a], this.max[b]);
      this.sum[i] = this.sum[a] + this.sum[b];
      this.n[i] = this.n[a] + this.n[b];
      this.last[i] = this.last[b];
    }
    for (const arr of [this.x, this.min, this.max, this.sum, this.n, this.last]) arr.length = half;
    this.width *= 2;
  }

  /** `{ x, min, max, mean, last }`: plain arrays, one entry per bucket. */
  series() {
    return {
      x: this.x.slice(),
      min: this.min.slice(),
      max: this.max.slice(),
      mean: this.sum.map((s, i) => s / this.n[i]),
      last: this.last.slice(),
    };
  }
}

/**
 * Puts sparse series on the x values of a dense one, for a chart whose series share one x axis
 * (uPlot's aligned data). `dense = { x, ys: [ys...] }`, `sparse = [{ x, y }, ...]`, both sorted by
 * x. Returns `[x, ...denseYs, ...sparseYs]` over the union of all x, with null where a series
 * has no value.
 */
export function alignSeries(dense, sparse) {
  const xs = new Set(dense.x);
  for (const s of sparse) for (const x of s.x) xs.add(x);
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const column = (sx, sy) => {
    const col = new Array(x.length).fill(null);
    for (let i = 0; i < sx.length; i++) col[index.get(sx[i])] = sy[i];
    return col;
  };
  return [x, ...dense.ys.map((ys) => column(dense.x, ys)), ...sparse.map((s) => column(s.x, s.y))];
}
