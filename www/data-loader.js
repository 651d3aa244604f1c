// Streams the four gzipped MNIST IDX files into the worker.
//
//   fetch ─▶ count bytes ─▶ DecompressionStream('gzip') ─▶ chunks ─▶ worker (transferred)
//
// The page (not the worker) fetches: the worker's event loop is busy with training slices, and
// keeping network and gzip on the page means chunks are ready the moment the worker looks at
// its queue; moving each chunk costs a pointer swap, not a copy. Both sets download at once,
// so training can start on the first parsed training images while the rest (and the test set)
// still stream in. A set whose download fails is dropped in the worker (`clear`) and can be
// fetched again whole with `retry()`.
// Each file that failed is named with its reason (`failures`): a file's fetch is not aborted
// when its sibling fails (only its streaming is), so a blocked sibling reports its own reason
// instead of vanishing behind the first one.

/** The files, in the order they are requested. `url` is relative to the site's base URL. */
export const DATA_FILES = Object.freeze([
  { set: 'train', file: 'labels', url: 'data/train-labels-idx1-ubyte.gz' },
  { set: 'train', file: 'images', url: 'data/train-images-idx3-ubyte.gz' },
  { set: 'test', file: 'labels', url: 'data/t10k-labels-idx1-ubyte.gz' },
  { set: 'test', file: 'images', url: 'data/t10k-images-idx3-ubyte.gz' },
]);

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Download progress over all files: `{ loaded, total, done }`. A file counts fully only once the
 * worker has verified it (`verified`), so a full bar means "parsed", not merely "downloaded".
 * A file whose size is not known yet counts its bytes so far as its size.
 */
export function overallProgress(files) {
  let loaded = 0;
  let total = 0;
  for (const f of files) {
    const size = Number.isFinite(f.total) && f.total > 0 ? f.total : Math.max(f.loaded, 1);
    total += size;
    loaded += f.verified ? size : Math.min(f.loaded, size - 1);
  }
  return { loaded, total, done: files.every((f) => f.verified) };
}

/** A stream of `stream`'s bytes, gunzipped if they are gzip (a server may already have decoded them). */
export async function gunzipIfNeeded(stream) {
  const reader = stream.getReader();
  const head = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    head.push(value);
    headBytes += value.byteLength;
  }
  const first = new Uint8Array(headBytes);
  let at = 0;
  for (const part of head) {
    first.set(part, at);
    at += part.byteLength;
  }
  const whole = new ReadableStream({
    start(controller) {
      if (first.byteLength) controller.enqueue(first);
      if (ended) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return isGzip(first) ? whole.pipeThrough(new DecompressionStream('gzip')) : whole;
}

/** A chunk that owns its whole buffer (so transferring the buffer moves exactly this chunk). */
const owned = (chunk) =>
  chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();

export class DataLoader {
  /**
   * @param {object} o
   * @param {string} o.baseUrl  where data/ lives (import.meta.env.BASE_URL)
   * @param {(set, file, chunk: Uint8Array) => void} o.chunk  forward a chunk (transfer it)
   * @param {(set, file) => void} o.end    the file's stream ended
   * @param {(set) => void} o.clear        drop a failed set's partial data
   * @param {() => void} o.onProgress      bytes moved (read `progress`)
   * @param {{ keep(url, response), forget(url) }} [o.store]  keeps complete files for offline use (offline-cache.js)
   * @param {(set, message, failures: {set, file, why}[]) => void} o.onError  a set failed, or
   *   another of its files turned out to have failed too; `failures`: every file that failed
   */
  constructor({ baseUrl, chunk, end, clear, onProgress, onError, store = null, fetchImpl = globalThis.fetch.bind(globalThis) }) {
    this.baseUrl = baseUrl;
    this.store = store;
    this.send = { chunk, end, clear };
    this.onProgress = onProgress;
    this.onError = onError;
    this.fetch = fetchImpl;
    this.files = DATA_FILES.map((f) => ({ ...f, loaded: 0, total: NaN, verified: false }));
    this.controllers = new Map(); // set -> AbortController of its running download
    this.failed = new Set();
    this.failures = new Map(); // 'set/file' -> { set, file, why }: why each file failed ('set/data': the worker refused the set)
  }

  /** Every file that failed since its set was last requested: `[{ set, file: 'images'|'labels'|null, why }]`. */
  get failureList() {
    return [...this.failures.values()];
  }

  get progress() {
    return overallProgress(this.files);
  }

  start() {
    for (const set of ['train', 'test']) this.#loadSet(set);
  }

  /** Downloads again every set that failed. */
  retry() {
    for (const set of [...this.failed]) this.#loadSet(set);
  }

  /** The worker verified a file (its DATA_END was accepted). */
  verified(set, file) {
    const f = this.files.find((x) => x.set === set && x.file === file);
    if (f) f.verified = true;
    this.onProgress();
  }

  /** The worker could not parse a set's bytes: stop it and offer a retry. */
  fail(set, message) {
    this.controllers.get(set)?.abort();
    for (const f of this.files) if (f.set === set) this.store?.forget(this.#url(f).href); // not kept for offline use
    this.#failed(set, message, { set, file: null, why: message });
  }

  #failed(set, message, failure) {
    this.failures.set(`${failure.set}/${failure.file ?? 'data'}`, failure);
    if (this.failed.has(set)) {
      this.onError(set, message, this.failureList); // one more file of a set that failed already
      return;
    }
    this.failed.add(set);
    this.controllers.get(set)?.abort();
    this.controllers.delete(set);
    this.send.clear(set);
    for (const f of this.files) if (f.set === set) Object.assign(f, { loaded: 0, verified: false });
    this.onProgress();
    this.onError(set, message, this.failureList);
  }

  #loadSet(set) {
    this.failed.delete(set);
    const controller = new AbortController();
    this.controllers.set(set, controller);
    for (const key of [...this.failures.keys()]) if (key.startsWith(`${set}/`)) this.failures.delete(key);
    const files = this.files.filter((f) => f.set === set);
    for (const f of files) Object.assign(f, { loaded: 0, total: NaN, verified: false, attempt: (f.attempt ?? 0) + 1 });
    this.onProgress();
    for (const f of files) {
      const attempt = f.attempt;
      this.#loadFile(f, controller.signal).catch((err) => {
        if (f.attempt !== attempt) return; // a retry has replaced this download
        if (controller.signal.aborted && !err?.beforeResponse) return; // stopped on purpose (the other file failed)
        this.#failed(set, describe(f, err), { set, file: f.file, why: reason(err) });
      });
    }
  }

  #url(f) {
    return new URL(f.url, new URL(this.baseUrl, globalThis.location?.href));
  }

  async #loadFile(f, signal) {
    // The fetch itself is not aborted with its set: a file that fails on its own still says why.
    let res;
    const url = this.#url(f);
    try {
      res = await this.fetch(url, {});
    } catch (err) {
      throw Object.assign(err ?? new Error('no response'), { beforeResponse: true });
    }
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status} ${res.statusText}`.trim()), { beforeResponse: true });
    if (signal.aborted) {
      res.body?.cancel().catch(() => {}); // its set failed meanwhile: it is fetched again whole on Retry
      return;
    }
    if (!res.body) throw new Error('the response has no body');
    this.store?.keep(url.href, res.clone()); // stored once whole; a broken download is not
    f.total = Number(res.headers.get('Content-Length'));
    const counter = new TransformStream({
      transform: (chunk, controller) => {
        f.loaded += chunk.byteLength;
        this.onProgress();
        controller.enqueue(chunk);
      },
    });
    const stream = await gunzipIfNeeded(res.body.pipeThrough(counter, { signal }));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (signal.aborted) throw signal.reason;
      if (value.byteLength) this.send.chunk(f.set, f.file, owned(value));
    }
    if (!Number.isFinite(f.total) || f.total <= 0) f.total = f.loaded;
    this.send.end(f.set, f.file);
  }
}

/** Why a download failed, in words: "HTTP 404 Not Found", "the connection failed or was interrupted". */
function reason(err) {
  return err?.name === 'TypeError' ? 'the connection failed or was interrupted' : err?.message || String(err);
}

function describe(f, err) {
  const what = `${f.set === 'train' ? 'training' : 'test'} ${f.file}`;
  return `Could not download the MNIST ${what} (${reason(err)}).`;
}
