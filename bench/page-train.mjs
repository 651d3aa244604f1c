// Owns training in the real page for the benches (bench/drawn.mjs, bench/time-to-99.mjs): set
// the Epochs field, press Train as a user does, and time every full test evaluation the page
// shows, from the click, with the page's own clock.

const LONG = { timeout: 900_000 }; // a few epochs on a loaded 2-core machine

/**
 * Trains a planned run of `epochs` (and `workers`, if given) with the page's other settings as
 * they are. Resolves when the
 * run is done, with `{ evaluations: [{ seconds, accuracy, shown, detail }], seconds }`: each full
 * test evaluation the page showed (accuracy a fraction, `shown` as printed, e.g. "99.1%"), and
 * the whole run, in seconds from the click. `log` gets the status line every 15 s.
 */
export async function trainInPage(page, { epochs = 1, workers = null, log = () => {} } = {}) {
  await page.getByTestId('epochs').fill(String(epochs));
  await page.waitForFunction((e) => document.querySelector('#settings').dataset.appliedEpochs === String(e), epochs, { timeout: 10_000 });
  if (workers !== null) {
    // The Workers setting: 0 is auto (one per core, at most 8).
    await page.getByTestId('workers').selectOption(String(workers));
    await page.waitForFunction((w) => document.querySelector('#settings').dataset.appliedWorkers === String(w), workers, { timeout: 10_000 });
  }
  // Watch the full evaluation's detail line ("… after epoch 1 (step 938) …"): it changes once per
  // full evaluation, even when the accuracy reads the same.
  await page.evaluate(() => {
    const detail = document.getElementById('eval-detail');
    const accuracy = document.querySelector('[data-testid=test-accuracy]');
    const matrix = document.querySelector('[data-testid=confusion-matrix]');
    const seen = (window.__fullEvaluations = []);
    new MutationObserver(() => {
      if (accuracy.textContent === '' || seen.at(-1)?.detail === detail.textContent) return;
      // The matrix's exact accuracy (the shown one is rounded to 0.1 %: 98.96 % shows 99.0 %).
      seen.push({ at: performance.now(), shown: accuracy.textContent, accuracy: Number(matrix.dataset.accuracy), detail: detail.textContent });
    }).observe(detail, { childList: true, characterData: true, subtree: true });
    window.__trainClickedAt = performance.now();
    document.querySelector('[data-testid=train]').click();
  });
  const timer = setInterval(async () => {
    const text = await page.locator('#status').textContent().catch(() => '');
    log('  ', text.trim().replace(/\s+/g, ' '));
  }, 15_000);
  try {
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'done', null, LONG);
    await page.waitForFunction((e) => window.__fullEvaluations.length >= e, epochs, LONG);
  } finally {
    clearInterval(timer);
  }
  return page.evaluate(() => {
    const t0 = window.__trainClickedAt;
    const s = (t) => Math.round((t - t0) / 100) / 10;
    return {
      evaluations: window.__fullEvaluations.map(({ at, ...e }) => ({ seconds: s(at), ...e })),
      seconds: s(performance.now()),
      workers: document.querySelector('[data-testid=workers-training]')?.textContent ?? '',
    };
  });
}

/** Seconds from the click to the first full evaluation at `target` (a fraction) or better, or null. */
export function timeToAccuracy(evaluations, target) {
  const hit = evaluations.find((e) => e.accuracy >= target);
  return hit ? hit.seconds : null;
}
