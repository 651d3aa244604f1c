// "Your drawings": the drawings the user labelled with "It's a …", kept in IndexedDB across
// reloads, and their files. A drawing is `{ id, label, pixels: Uint8Array(side * side) }` (the
// model's input the pad sent, 0-255 as MNIST stores it), listed oldest first. The sizes come
// from the pixels themselves; the core checks them against the model's input when they reach it.
//
// `DrawingsStore` works over any `backend` with `getAll()`, `put(record)` → id, `delete(id)`:
// `idbBackend()` in the page, `memoryBackend()` in the tests (tests/js/drawings-store.test.mjs).
// The IDX functions are pure: `toIdx` writes MNIST's two files (magic 2051 / 2049, big-endian
// counts), which the "Your own data" card, the core's IDX parser and Python read; `fromIdx`
// reads them back, checking what it can.
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './user-files.js';

const DB_NAME = 'mnist-trainer-drawings'; // its own database: the model's (model-store.js) is left alone
const STORE = 'drawings';

export class DrawingsStore {
  constructor(backend) {
    this.backend = backend;
  }

  /** Every drawing, oldest first. */
  async list() {
    const all = await this.backend.getAll();
    return all.sort((a, b) => a.id - b.id);
  }

  /** Keeps a drawing; resolves to it with its id. Throws for a wrong size or label. */
  async add(pixels, label) {
    check(pixels, label);
    const record = { label, pixels: Uint8Array.from(pixels) };
    const id = await this.backend.put(record);
    return { ...record, id };
  }

  /** Gives drawing `id` another label. */
  async relabel(id, label) {
    const found = (await this.backend.getAll()).find((d) => d.id === id);
    if (!found) throw new Error(`drawing ${id} is not kept`);
    check(found.pixels, label);
    await this.backend.put({ ...found, label });
  }

  async remove(id) {
    await this.backend.delete(id);
  }
}

/** The side of a square image of `pixels` values, or NaN. */
const sideOf = (pixels) => (Number.isInteger(Math.sqrt(pixels)) && pixels > 0 ? Math.sqrt(pixels) : NaN);

function check(pixels, label) {
  if (!(sideOf(pixels?.length) > 0)) throw new Error(`a drawing is a square image, not ${pixels?.length} pixels`);
  if (!Number.isInteger(label) || label < 0 || label > 255) throw new Error(`a label is a class index (a byte), not ${label}`); // the core checks it against the model's classes
}

/** The drawings as the trainer takes them: `{ images: Uint8Array(n * pixels), labels: Uint8Array(n) }`. */
export function packDrawings(drawings) {
  const pixels = drawings[0]?.pixels.length ?? 0;
  if (drawings.some((d) => d.pixels.length !== pixels)) throw new Error('the drawings are not all the same size');
  const images = new Uint8Array(drawings.length * pixels);
  const labels = new Uint8Array(drawings.length);
  drawings.forEach((d, k) => {
    images.set(d.pixels, k * pixels);
    labels[k] = d.label;
  });
  return { images, labels };
}

/** MNIST's IDX files for the drawings: `{ images, labels }` (raw bytes; gzip them to save). */
export function toIdx(drawings) {
  const { images: pixels, labels: classes } = packDrawings(drawings);
  const images = new Uint8Array(16 + pixels.length);
  const iv = new DataView(images.buffer);
  const side = drawings.length ? sideOf(drawings[0].pixels.length) : 0;
  [IDX_IMAGES_MAGIC, drawings.length, side, side].forEach((v, k) => iv.setUint32(4 * k, v));
  images.set(pixels, 16);
  const labels = new Uint8Array(8 + classes.length);
  const lv = new DataView(labels.buffer);
  [IDX_LABELS_MAGIC, drawings.length].forEach((v, k) => lv.setUint32(4 * k, v));
  labels.set(classes, 8);
  return { images, labels };
}

/** `[{ label, pixels }]` from IDX images and labels files (raw); throws saying what is wrong. */
export function fromIdx(images, labels) {
  const iv = new DataView(images.buffer, images.byteOffset, images.byteLength);
  const lv = new DataView(labels.buffer, labels.byteOffset, labels.byteLength);
  if (images.length < 16 || iv.getUint32(0) !== IDX_IMAGES_MAGIC) throw new Error('the images file is not an IDX images file (magic 2051)');
  if (labels.length < 8 || lv.getUint32(0) !== IDX_LABELS_MAGIC) throw new Error('the labels file is not an IDX labels file (magic 2049)');
  const n = iv.getUint32(4);
  const [rows, cols] = [iv.getUint32(8), iv.getUint32(12)];
  if (rows !== cols || rows === 0) throw new Error(`the images are ${rows}x${cols}, not square`);
  const PIXELS = rows * cols;
  if (lv.getUint32(4) !== n) throw new Error(`${n} images but ${lv.getUint32(4)} labels`);
  if (images.length !== 16 + n * PIXELS || labels.length !== 8 + n) throw new Error('the files are truncated or too long');
  return Array.from({ length: n }, (_, k) => {
    const label = labels[8 + k];
    return { label, pixels: images.slice(16 + k * PIXELS, 16 + (k + 1) * PIXELS) };
  });
}

/** gzip bytes (CompressionStream: the page and Node alike). */
export async function gzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A Map-backed backend with IndexedDB's auto-increment ids. */
export function memoryBackend() {
  const map = new Map();
  let next = 1;
  return {
    getAll: async () => [...map.values()].map((r) => ({ ...r })),
    put: async (record) => {
      const id = record.id ?? next++;
      map.set(id, { ...record, id });
      return id;
    },
    delete: async (id) => void map.delete(id),
  };
}

/** The page's backend: an IndexedDB object store with auto-increment keys. */
export function idbBackend() {
  const open = () =>
    new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    });
  const run = async (mode, body) => {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = body(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      });
    } finally {
      db.close();
    }
  };
  return {
    getAll: () => run('readonly', (s) => s.getAll()),
    put: (record) => run('readwrite', (s) => s.put(record.id === undefined ? { label: record.label, pixels: record.pixels } : record)),
    delete: (id) => run('readwrite', (s) => s.delete(id)),
  };
}
