// When the page draws (www/render-loop.js): routine requests are throttled to one draw per
// period, in an animation frame; urgent ones skip the wait; `now` draws at once; a draw that
// still owes a redraw (the charts' pace) comes back later. Timers are node's; frames a stub.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderLoop } from '../../www/render-loop.js';

globalThis.requestAnimationFrame ??= (fn) => setTimeout(() => fn(performance.now()), 1);

test('routine draws are throttled, urgent ones are not, now is synchronous', async () => {
  const draws = [];
  const frames = renderLoop((now) => {
    draws.push(now);
    return false;
  }, 1000); // long, so a slow machine cannot reach the end of the period by accident
  frames.urgent();
  frames.urgent();
  await sleep(20);
  assert.equal(draws.length, 1, 'one draw at the next frame');
  frames.routine();
  frames.routine();
  await sleep(30);
  assert.equal(draws.length, 1, 'routine, within the period: waits');
  frames.urgent();
  await sleep(20);
  assert.equal(draws.length, 2, 'urgent: at the next frame');
  frames.now();
  assert.equal(draws.length, 3, 'now: before returning');
  await sleep(150);
  assert.equal(draws.length, 3, 'the routine request was folded into the urgent draw');
});

test('a draw that owes a redraw is called again after the period', async () => {
  let owed = 2;
  const draws = [];
  const frames = renderLoop((now) => {
    draws.push(now);
    return owed-- > 0;
  }, 40);
  frames.urgent();
  for (let waited = 0; draws.length < 3 && waited < 5000; waited += 10) await sleep(10);
  await sleep(100);
  assert.equal(draws.length, 3, 'and no more once nothing is owed');
  assert.ok(draws[2] - draws[1] >= 35, `spaced by the period: ${draws[2] - draws[1]} ms`);
});
