// The one-thread WebAssembly ceiling in this same browser run: the anchors' hand-written peak loops
// (bench/micro/peak.wasm, from ../shared/bench-anchors/micro/), only the best variants
// (13 independent accumulators: f32x4 mul+add and scalar f32 mul+add), and the relaxed-SIMD
// fused multiply-add (bench/micro/peak-relaxed.wasm, 8 and 13 accumulators), main thread.
// Query: seconds (per rep, default 0.5), reps (default 3), fns (default simd_k13,scalar_k13),
// fmaFns (default fma_k8,fma_k13)
import { num, params, log, rootUrl, envInfo, finish, fail } from './common.mjs';
import { timeFunc } from './micro-core.mjs';

(async () => {
  try {
    const seconds = num('seconds', 0.5), reps = num('reps', 3);
    const r = await fetch(rootUrl('bench/micro/peak.wasm'));
    if (!r.ok) throw new Error(`fetch peak.wasm: ${r.status}`);
    const inst = await WebAssembly.instantiate(await WebAssembly.compile(await r.arrayBuffer()), {});
    const runs = [];
    for (const name of String(params.fns || 'simd_k13,scalar_k13').split(',')) {
      const res = timeFunc(inst.exports[name], name, seconds, reps);
      log(`${name}: best ${res.gflops_best.toFixed(2)} GFLOP/s (median ${res.gflops_median.toFixed(2)})`);
      runs.push(res);
    }
    // The relaxed-SIMD ceiling (fused multiply-add, bench/micro/peak-relaxed.wasm), where the
    // engine has relaxed SIMD: the ceiling of the pkg-relaxed/ build's kernels.
    const rr = await fetch(rootUrl('bench/micro/peak-relaxed.wasm'));
    const relaxedBytes = rr.ok ? await rr.arrayBuffer() : null;
    if (relaxedBytes && WebAssembly.validate(relaxedBytes)) {
      const relaxed = await WebAssembly.instantiate(await WebAssembly.compile(relaxedBytes), {});
      for (const name of String(params.fmaFns || 'fma_k8,fma_k13').split(',')) {
        const res = timeFunc(relaxed.exports[name], name, seconds, reps);
        log(`${name}: best ${res.gflops_best.toFixed(2)} GFLOP/s (median ${res.gflops_median.toFixed(2)})`);
        runs.push(res);
      }
    }
    const best = (p) => runs.filter((x) => x.fn.startsWith(p)).reduce((a, b) => (b.gflops_best > a.gflops_best ? b : a), { gflops_best: null });
    const s = best('simd_'), sc = best('scalar_'), fma = best('fma_');
    finish({
      env: envInfo(),
      runs,
      summary: {
        simd_gflops_1thread: s.gflops_best, simd_variant: s.fn ?? null,
        scalar_gflops_1thread: sc.gflops_best, scalar_variant: sc.fn ?? null,
        relaxed_fma_gflops_1thread: fma.gflops_best, relaxed_fma_variant: fma.fn ?? null,
        note: 'f32x4.mul+f32x4.add (8 FLOP/acc/iter), f32x4.relaxed_madd (8 FLOP, where the engine has relaxed SIMD) or f32.mul+f32.add (2 FLOP) on K independent accumulators, after tier-up; best of reps',
      },
    });
  } catch (e) {
    fail(e);
  }
})();
