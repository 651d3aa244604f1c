// A small seeded PRNG (mulberry32) for the benchmarks, in the browser pages and in Node alike:
// the same seed gives the same image order and the same drawn-digit set on every run.

/** Seeded PRNG returning numbers in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
