// Files the user brings: model weights to import and IDX data sets (raw or gzip), plus the
// optional class names. The pure parts (classification by magic number and name, class-name
// parsing) are tested in tests/js/user-files.test.mjs; `readFileBytes` needs a browser's
// DecompressionStream (Node 18+ has it too).
import { isGzip } from './data-loader.js';

export { isGzip };

export const IDX_LABELS_MAGIC = 2049; // 0x00000801: unsigned bytes, 1 dimension
export const IDX_IMAGES_MAGIC = 2051; // 0x00000803: unsigned bytes, 3 dimensions

/** The names of `classes` classes when the user gives none: their indices (MNIST's digits). */
export const indexNames = (classes) => Array.from({ length: classes }, (_, d) => String(d));

/** The big-endian IDX magic number of `bytes` (after any gunzip), or NaN when shorter than 4 bytes. */
export function idxMagic(bytes) {
  if (bytes.length < 4) return NaN;
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** 'images' | 'labels' | null, from the IDX magic number. */
export function idxKind(bytes) {
  const magic = idxMagic(bytes);
  if (magic === IDX_IMAGES_MAGIC) return 'images';
  if (magic === IDX_LABELS_MAGIC) return 'labels';
  return null;
}

/** A model rather than data, by its name: Keras' files (.keras, and Keras 2's .h5, refused with why) and the page's .weights. */
export const isModelFile = (name) => /\.(keras|h5|weights|safetensors)$/i.test(name);

/** 'test' when the name says so ("t10k", "test"), else `fallback`. */
export function setFromName(name, fallback = 'train') {
  return /t10k|test/i.test(String(name)) ? 'test' : fallback;
}

const hex = (bytes) =>
  [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing';

/**
 * Sorts decoded files `{ name, bytes }` into their places.
 * Returns `{ ok: true, sets: { train?: { images, labels }, test?: {...} } }` (each entry
 * `{ name, bytes }`) or `{ ok: false, message }` naming the file that does not fit.
 * `fallbackSet` ('train' | 'test') is used for names that do not mention the test set.
 */
export function classifyFiles(files, fallbackSet = 'train') {
  const sets = {};
  for (const f of files) {
    const kind = idxKind(f.bytes);
    if (!kind) {
      const got = f.bytes.length < 4 ? `only ${f.bytes.length} byte${f.bytes.length === 1 ? '' : 's'}` : `starts with ${hex(f.bytes)}`;
      return {
        ok: false,
        message: `${f.name} is not an IDX image or label file: it ${got}, not the magic number 2051 (images) or 2049 (labels).`,
      };
    }
    const set = setFromName(f.name, fallbackSet);
    sets[set] ??= {};
    if (sets[set][kind]) {
      return { ok: false, message: `Two ${set} ${kind} files: ${sets[set][kind].name} and ${f.name}. Choose one.` };
    }
    sets[set][kind] = f;
  }
  const names = Object.keys(sets);
  if (names.length === 0) return { ok: false, message: 'No file was chosen.' };
  for (const set of names) {
    const s = sets[set];
    const word = set === 'train' ? 'training' : 'test';
    if (!s.images) return { ok: false, message: `${s.labels.name} holds ${word} labels, but no ${word} images file came with it.` };
    if (!s.labels) return { ok: false, message: `${s.images.name} holds ${word} images, but no ${word} labels file came with it.` };
  }
  return { ok: true, sets };
}

/**
 * Names for the model's `classes` classes (the core's count) from the text the user typed:
 * '' → the indices; otherwise exactly `classes` names, comma separated, each non-empty and at
 * most 24 characters, no duplicates. Returns `{ ok, names, message }` (`names`: the indices
 * when not ok).
 */
export function parseClassNames(text, classes) {
  const fallback = indexNames(classes);
  const raw = String(text ?? '').trim();
  if (raw === '') return { ok: true, names: fallback, message: '' };
  const names = raw.split(',').map((s) => s.trim());
  const fail = (message) => ({ ok: false, names: fallback, message: `Class names: ${message}` });
  if (names.length !== classes) return fail(`the model has ${classes} classes: enter ${classes} names separated by commas (got ${names.length}).`);
  const empty = names.findIndex((n) => n === '');
  if (empty >= 0) return fail(`name ${empty} is empty.`);
  const long = names.find((n) => n.length > 24);
  if (long) return fail(`“${long.slice(0, 24)}…” is longer than 24 characters.`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return fail(`“${dup}” appears twice.`);
  return { ok: true, names, message: '' };
}

/** The bytes of a File/Blob, gunzipped when they start with 1f 8b. Throws naming the file. */
export async function readFileBytes(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!isGzip(bytes)) return bytes;
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    void err; // the browser's reason ("Failed to fetch") says nothing useful
    throw new Error(`${file.name} is gzipped (it starts with 1f 8b) but truncated or corrupt: it could not be decompressed.`);
  }
}
