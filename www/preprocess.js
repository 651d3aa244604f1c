// Turns a drawing, kept as strokes (lists of points, any units), into the 28x28 image the
// network expects, the way MNIST made its digits:
//
//   1. bounding box of the points
//   2. scale them so the ink's longer side is 20 px (MNIST's box), aspect kept
//   3. draw the strokes there with MNIST's pen width, whatever the pen on the pad was, and
//      anti-aliased (each pixel's coverage, a 1 px soft edge)
//   4. move the drawing so its centre of mass sits at the centre, (14, 14), no ink falling off
//
// Rendering from the vectors (rather than shrinking what the pad shows) keeps the strokes as thin
// as MNIST's however small the digit was drawn. Images are grayscale `Float32Array`s, row-major,
// 0 = background, 1 = full ink. Coordinates are continuous: pixel (i, j) covers
// [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5) and the field's centre is (14, 14).
// Every function is pure (no DOM); tests/js/preprocess.test.mjs checks them.

export const MNIST_SIZE = 28; // MNIST's field, the recipe's reference; the page passes the core's input side
export const MNIST_BOX = 20;

/**
 * MNIST's pen width, in pixels of the 28x28 image. Measured on the training set by
 *   node scripts/mnist-stroke-width.mjs          (first 10,000 images; 60000 as argument: all)
 * as ink area (sum of intensities / 255) over skeleton length (Zhang-Suen thinning of the pixels
 * >= 128): median 2.47 px, quartiles 2.06-3.09 px, i.e. 0.124 (0.103-0.155) of the 20 px box
 * (all 60,000: 2.47, 2.06-3.07). The same script draws synthetic digits with this renderer:
 * a 2.4 px pen measures 2.50 that way, the closest to MNIST's median.
 */
export const MNIST_PEN = 2.4;

/** Centre of mass `{ x, y }` in continuous coordinates (pixel centres at +0.5), or null if no ink. */
export function centreOfMass(gray, width, height) {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = gray[y * width + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return mass > 0 ? { x: mx / mass, y: my / mass } : null;
}

/** Bounding box of every point of every stroke `{ minX, minY, maxX, maxY }`, or null if none. */
export function pointsBox(strokes) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const stroke of strokes) {
    for (const p of stroke) {
      if (p.x < minX) minX = p.x;
      if (p.x > maxX) maxX = p.x;
      if (p.y < minY) minY = p.y;
      if (p.y > maxY) maxY = p.y;
    }
  }
  return maxX < minX ? null : { minX, minY, maxX, maxY };
}

/**
 * Draws round-capped, round-joined strokes (points already in pixels of the field) with a pen
 * `pen` px wide, anti-aliased: a pixel's value is its centre's distance d to the nearest segment
 * mapped through a 1 px ramp, clamp(pen/2 + 0.5 - d, 0, 1), which is about the fraction of the
 * pixel the pen covers. Overlapping strokes do not add up (MNIST's ink saturates too).
 * Each segment only visits the pixels near it, so the cost grows with the ink, not the field.
 */
export function rasterize(strokes, pen = MNIST_PEN, field = MNIST_SIZE) {
  const reach = pen / 2 + 0.5; // beyond this distance a pixel gets no ink
  const dist = new Float32Array(field * field).fill(reach);
  for (const stroke of strokes) {
    const segments = Math.max(1, stroke.length - 1); // a single point is a zero-length segment
    for (let i = 0; i < segments && stroke.length > 0; i++) {
      const a = stroke[i];
      const b = stroke[Math.min(i + 1, stroke.length - 1)];
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len2 = dx * dx + dy * dy;
      const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - reach));
      const x1 = Math.min(field - 1, Math.ceil(Math.max(a.x, b.x) + reach));
      const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - reach));
      const y1 = Math.min(field - 1, Math.ceil(Math.max(a.y, b.y) + reach));
      for (let y = y0; y <= y1; y++) {
        const py = y + 0.5 - a.y;
        for (let x = x0; x <= x1; x++) {
          const px = x + 0.5 - a.x;
          // Distance from the pixel centre to the closest point of segment a-b.
          const t = len2 > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / len2)) : 0;
          const ex = px - t * dx;
          const ey = py - t * dy;
          const d = Math.sqrt(ex * ex + ey * ey);
          const k = y * field + x;
          if (d < dist[k]) dist[k] = d;
        }
      }
    }
  }
  const out = new Float32Array(field * field);
  for (let k = 0; k < out.length; k++) out[k] = Math.min(1, Math.max(0, reach - dist[k]));
  return out;
}

/** Maps every point through x * scale + dx, y * scale + dy. */
function transform(strokes, scale, dx, dy) {
  return strokes.map((stroke) => stroke.map((p) => ({ x: p.x * scale + dx, y: p.y * scale + dy })));
}

/**
 * The whole pipeline on a drawing kept as strokes: arrays of `{ x, y }` points, in any units
 * (the pad's pixels). `minSpan` (same units; the pad passes its pen width) is the smallest
 * extent a drawing is scaled as if it had: a tap, or a wobble no bigger than the pen, stays a
 * dot instead of being blown up to 20 px. A straight line keeps its zero width.
 * Returns null for no points, else `{ pixels: Float32Array(pixels) in [0, 1], scale, offset }`
 * where a point p lands at p * scale + offset in the 28x28 field.
 */
export function renderStrokes(strokes, { minSpan = 0, pen = MNIST_PEN, side = MNIST_SIZE } = {}) {
  const boxed = boxStrokes(strokes, { minSpan, pen, side });
  if (!boxed) return null;
  const { box, scale, cx, cy } = boxed;
  // First pass: the box's centre on the field's centre, to find the centre of mass.
  const first = rasterize(boxed.strokes, pen, side);
  const com = centreOfMass(first, side, side);
  if (!com) return null;
  // Second pass: shifted so the centre of mass lands on (14, 14) (sub-pixel: the strokes are
  // drawn again, not the image resampled), clamped so the ink stays inside the field.
  // Room on each side of the centred ink (the pen's half width and soft edge included).
  const roomX = Math.max(0, (side - (box.maxX - box.minX) * scale) / 2 - pen / 2 - 0.5);
  const roomY = Math.max(0, (side - (box.maxY - box.minY) * scale) / 2 - pen / 2 - 0.5);
  const shiftX = clamp(side / 2 - com.x, -roomX, roomX);
  const shiftY = clamp(side / 2 - com.y, -roomY, roomY);
  const offset = { x: side / 2 - cx + shiftX, y: side / 2 - cy + shiftY };
  const pixels = rasterize(transform(strokes, scale, offset.x, offset.y), pen, side);
  return { pixels, scale, offset };
}

/**
 * Steps 1-2: the points' bounding box, and the strokes scaled (aspect kept) so the box's longer
 * side (at least `minSpan`) fills MNIST's 20 px box, the box's centre on the field's centre.
 * Returns null for no points, else `{ box, scale, cx, cy, strokes }` (`cx`, `cy`: the box's
 * centre after scaling, before it is moved to (14, 14)).
 */
export function boxStrokes(strokes, { minSpan = 0, pen = MNIST_PEN, side = MNIST_SIZE } = {}) {
  const box = pointsBox(strokes);
  if (!box) return null;
  const span = Math.max(box.maxX - box.minX, box.maxY - box.minY, minSpan);
  // The pen's centre line spans 20 - pen px, so the ink, edges included, spans MNIST's 20 px box.
  const scale = span > 0 ? (MNIST_BOX - pen) / span : 0;
  const cx = ((box.minX + box.maxX) / 2) * scale;
  const cy = ((box.minY + box.maxY) / 2) * scale;
  return { box, scale, cx, cy, strokes: transform(strokes, scale, side / 2 - cx, side / 2 - cy) };
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

/** A dataset image (bytes 0..255) as the network's input: already MNIST-shaped, only scaled to [0, 1]. */
export function bytesToPixels(bytes) {
  return Float32Array.from(bytes, (b) => b / 255);
}
