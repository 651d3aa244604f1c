// When the page draws (www/render-loop.js): routine requests are throttled to one draw per
// period, in an animation frame; urgent ones skip the wait; `now` draws at once; a draw that
// still owes a redraw (the charts' pace) comes back later. Time is a fake clock advanced by the
// test, so a loaded machine cannot change the outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderLoop } from '../../www/render-loop.js';

const FRAME_MS = 16;

/** A clock with timers and animation frames that run only when `advance(ms)` reaches them. */
function fakeEnv() {
  let t = 0;
  let nextId = 1;
  const due = new Map(); // id -> { at, fn }
  const env = {
    now: () => t,
    setTimeout: (fn, ms) => {
      due.set(nextId, { at: t + ms, fn });
      return nextId++;
    },
    clearTimeout: (id) => due.delete(id),
    requestAnimationFrame: (fn) => env.setTimeout(() => fn(t), FRAME_MS - (t % FRAME_MS) || FRAME_MS),
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const [id, next] = [...due].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0] ?? [];
        if (!next || next.at > end) break;
        due.delete(id);
        t = next.at;
        next.fn();
      }
      t = end;
    },
  };
  return env;
}

test('routine draws are throttled, urgent ones are not, now is synchronous', () => {
  const env = fakeEnv();
  const draws = [];
  const frames = renderLoop((now) => draws.push(now) && false, 200, env);
  frames.urgent();
  frames.urgent();
  env.advance(20);
  assert.deepEqual(draws, [16], 'one draw, at the next frame');
  frames.routine();
  frames.routine();
  env.advance(100);
  assert.equal(draws.length, 1, 'routine, within the period: waits');
  frames.urgent();
  env.advance(20);
  assert.deepEqual(draws, [16, 128], 'urgent: at the next frame');
  frames.now();
  assert.deepEqual(draws, [16, 128, 140], 'now: before returning, at the time it is called');
  env.advance(1000);
  assert.equal(draws.length, 3, 'the routine request was folded into the urgent draw');
  frames.routine();
  env.advance(1000);
  assert.ok(draws[3] >= 140 + 200, `a routine draw waits for the period: ${draws[3]}`);
});

test('a draw that owes a redraw is called again after the period, then stops', () => {
  const env = fakeEnv();
  let owed = 2;
  const draws = [];
  const frames = renderLoop((now) => {
    draws.push(now);
    return owed-- > 0;
  }, 40, env);
  frames.urgent();
  env.advance(1000);
  assert.equal(draws.length, 3, 'and no more once nothing is owed');
  assert.ok(draws[1] - draws[0] >= 40 && draws[2] - draws[1] >= 40, `spaced by the period: ${draws}`);
});
