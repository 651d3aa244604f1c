// bench:page-speed's arithmetic (bench/page-speed-stats.mjs): where one epoch's time went.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageSpeed } from '../../bench/page-speed-stats.mjs';

/** An epoch of 100 steps of 64 images, one step per PROGRESS, 20 ms busy each 25 ms of wall clock. */
function epoch({ estimateAfter = -1 } = {}) {
  const m = [];
  let at = 1000 + 500; // clicked at 1000, first slice ends 500 ms later
  for (let i = 1; i <= 100; i++) {
    m.push({ type: 'progress', at, images: 64, ms: 20, stepInEpoch: i, stepsPerEpoch: 100 });
    if (i === estimateAfter) {
      at += 300;
      m.push({ type: 'evaluation', at, kind: 'estimate' });
    }
    at += 25;
  }
  at += 975; // validation: one second after the last slice
  m.push({ type: 'epoch-end', at, valCount: 6000 });
  at += 2000;
  m.push({ type: 'evaluation', at, kind: 'full' });
  return m;
}

test('rates over the steady part: busy from the slices\' own time, wall from arrivals', () => {
  const s = pageSpeed(epoch(), 1000);
  assert.equal(s.busy_images_per_sec, 3200); // 64 images / 20 ms
  assert.equal(s.steady_images_per_sec, 2560); // 64 images / 25 ms
  assert.equal(s.progress_messages_per_sec, 40);
  assert.equal(s.images_trained, 6400);
  assert.equal(s.first_progress_s, 0.5);
  assert.equal(s.train_wall_s, 2.5); // 99 gaps of 25 ms + the first slice's 20 ms
  assert.equal(s.train_busy_s, 2);
  assert.equal(s.between_slices_s, 0.5);
  assert.equal(s.validation_s, 1);
  assert.equal(s.validation_count, 6000);
  assert.equal(s.test_s, 2);
  assert.equal(s.epoch_s, 5.98); // 0.5 + 2.475 + 1 + 2, to 10 ms
});

test('an estimate inside the steady part slows the wall rate, not the busy one', () => {
  const s = pageSpeed(epoch({ estimateAfter: 50 }), 1000);
  assert.equal(s.estimates, 1);
  assert.equal(s.busy_images_per_sec, 3200);
  assert.ok(s.steady_images_per_sec < 2560);
  assert.equal(s.between_slices_s, 0.8);
});

test('an epoch that never ended is an error, not a figure', () => {
  const m = epoch().filter((x) => x.type === 'progress');
  assert.throws(() => pageSpeed(m, 1000), /EPOCH_END/);
});
