// Turns a drawing into the 28x28 image the network expects, the way MNIST made its digits:
//
//   1. bounding box of the ink
//   2. scale it so its longer side is 20 px, keeping the aspect ratio, anti-aliased
//      (area averaging: each output pixel is the mean of the input area it covers)
//   3. paste it into a 28x28 field so that its centre of mass sits at the centre, (14, 14)
//
// Images here are grayscale `Float32Array`s, row-major, 0 = background, 1 = full ink, with an
// explicit width and height. Coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1),
// so its centre is (i + 0.5, j + 0.5) and the centre of the 28x28 field is (14, 14).
// Every function is pure; tests/js/preprocess.test.mjs checks each on exact small cases.

export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;

/** Ink intensity from RGBA pixels (the pad draws opaque ink on a transparent canvas): alpha / 255. */
export function alphaToGray(rgba, width, height) {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i + 3] / 255;
  return out;
}

/** Smallest rectangle holding every pixel > threshold: `{ x, y, width, height }`, or null if none. */
export function boundingBox(gray, width, height, threshold = 0) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (gray[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Size of a `width` x `height` box scaled so its longer side is `box`, aspect kept (>= 1 px). */
export function fitSize(width, height, box = MNIST_BOX) {
  if (width >= height) return { width: box, height: Math.max(1, Math.round((box * height) / width)) };
  return { width: Math.max(1, Math.round((box * width) / height)), height: box };
}

/**
 * Area-averaging weights for resampling the source span [start, start + length) onto `outLength`
 * pixels: for each output pixel, a list of [sourceIndex, weight] whose weights sum to 1.
 * Downscaling averages every source pixel by how much of it the output pixel covers
 * (anti-aliased); upscaling repeats source pixels, with a blend where a boundary falls inside.
 */
export function areaWeights(start, length, outLength) {
  const scale = length / outLength;
  const weights = [];
  for (let o = 0; o < outLength; o++) {
    const a = start + o * scale;
    const b = start + (o + 1) * scale;
    const taps = [];
    for (let s = Math.floor(a); s < b; s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 1e-9) taps.push([s, overlap / scale]);
    }
    weights.push(taps);
  }
  return weights;
}

/** Resamples the rectangle `rect` of `gray` (width `width`) to outWidth x outHeight by area averaging. */
export function resampleArea(gray, width, rect, outWidth, outHeight) {
  const wx = areaWeights(rect.x, rect.width, outWidth);
  const wy = areaWeights(rect.y, rect.height, outHeight);
  // Separable: first along x for every source row of the rectangle, then along y.
  const rows = new Float32Array(rect.height * outWidth);
  for (let r = 0; r < rect.height; r++) {
    const src = (rect.y + r) * width;
    for (let o = 0; o < outWidth; o++) {
      let sum = 0;
      for (const [s, w] of wx[o]) sum += gray[src + s] * w;
      rows[r * outWidth + o] = sum;
    }
  }
  const out = new Float32Array(outWidth * outHeight);
  for (let o = 0; o < outHeight; o++) {
    for (const [s, w] of wy[o]) {
      const row = (s - rect.y) * outWidth;
      for (let x = 0; x < outWidth; x++) out[o * outWidth + x] += rows[row + x] * w;
    }
  }
  return out;
}

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

/**
 * Where to paste an image of `size` px whose centre of mass is at `com` (along one axis) so that
 * it lands on the field centre: round(field/2 - com), whole pixels (no second resampling blur),
 * clamped so that no ink falls off the field.
 */
export function centringOffset(com, size, field = MNIST_SIZE) {
  const offset = Math.round(field / 2 - com);
  return Math.min(Math.max(offset, 0), field - size);
}

/** Copies `src` (width x height) into a new field x field image at (dx, dy), clipping. */
export function paste(src, width, height, dx, dy, field = MNIST_SIZE) {
  const out = new Float32Array(field * field);
  for (let y = 0; y < height; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= field) continue;
    for (let x = 0; x < width; x++) {
      const tx = x + dx;
      if (tx >= 0 && tx < field) out[ty * field + tx] = src[y * width + x];
    }
  }
  return out;
}

/**
 * The whole MNIST pipeline on a grayscale drawing. Returns null for an empty drawing, else
 * `{ pixels: Float32Array(784) in [0, 1], box, size, offset }`.
 */
export function preprocess(gray, width, height) {
  const box = boundingBox(gray, width, height);
  if (!box) return null;
  const size = fitSize(box.width, box.height);
  const small = resampleArea(gray, width, box, size.width, size.height);
  for (let i = 0; i < small.length; i++) small[i] = Math.min(1, small[i]); // float rounding
  const com = centreOfMass(small, size.width, size.height);
  if (!com) return null; // ink too faint to survive averaging
  const offset = {
    x: centringOffset(com.x, size.width),
    y: centringOffset(com.y, size.height),
  };
  return { pixels: paste(small, size.width, size.height, offset.x, offset.y), box, size, offset };
}
