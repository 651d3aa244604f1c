// Drawing without a pointer (www/pad-keys.js): the keyboard pen's state machine, and the stroke
// font's digits as strokes in the pad's pixels, which the pad's own path (preprocess.js) turns
// into inputs the pretrained model reads as those digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PEN_BIG_STEP, PEN_MARGIN, PEN_STEP, STROKE_FONT, digitStrokes, penKey, penStart, penText } from '../../www/pad-keys.js';
import { MNIST_SIZE, centreOfMass, renderStrokes } from '../../www/preprocess.js';
import { loadFacade } from './wasm-node.mjs';

const near = (a, b) => Math.abs(a - b) < 1e-9;

test('the keyboard pen: arrows move it a step (Shift: a bigger one), Space or Enter puts it down and lifts it', () => {
  let pen = penStart();
  assert.deepEqual(pen, { x: 0.5, y: 0.5, down: false });
  let r = penKey(pen, 'ArrowRight');
  assert.equal(r.action, 'move', 'up: a move, no ink');
  assert.ok(near(r.pen.x, 0.5 + PEN_STEP) && r.pen.y === 0.5);
  r = penKey(r.pen, 'ArrowUp', true);
  assert.ok(near(r.pen.y, 0.5 - PEN_BIG_STEP));
  r = penKey(r.pen, ' ');
  assert.deepEqual([r.action, r.pen.down], ['down', true]);
  pen = r.pen;
  r = penKey(pen, 'ArrowDown');
  assert.equal(r.action, 'line', 'down: ink from the old position to the new');
  assert.ok(near(r.pen.y, pen.y + PEN_STEP));
  r = penKey(r.pen, 'Enter');
  assert.deepEqual([r.action, r.pen.down], ['up', false]);
  assert.deepEqual(penKey(r.pen, 'a'), { pen: r.pen, action: null }, 'not the pen\'s key: left to the page');
  assert.equal(penKey(r.pen, 'Tab').action, null, 'Tab still leaves the pad');
  // It stays on the pad.
  pen = penStart();
  for (let i = 0; i < 20; i++) pen = penKey(pen, 'ArrowLeft', true).pen;
  assert.equal(pen.x, PEN_MARGIN);
  for (let i = 0; i < 20; i++) pen = penKey(pen, 'ArrowDown', true).pen;
  assert.equal(pen.y, 1 - PEN_MARGIN);
  assert.equal(penText({ x: 0.25, y: 0.5, down: false }), 'Pen up at 25% across, 50% down. Space puts it down; arrows move it.');
  assert.match(penText({ x: 0.25, y: 0.5, down: true }), /^Pen down, drawing, at 25% across/);
});

test('the stroke font: ten digits, as strokes in the pad\'s pixels, inside the pad', () => {
  assert.equal(STROKE_FONT.length, 10);
  for (const side of [280, 560]) {
    for (let d = 0; d < 10; d++) {
      const strokes = digitStrokes(d, side);
      assert.ok(strokes.length >= 1 && strokes.every((s) => s.length >= 2), `digit ${d}`);
      for (const p of strokes.flat()) assert.ok(p.x > 0 && p.x < side && p.y > 0 && p.y < side, `digit ${d} at ${side}: ${p.x}, ${p.y}`);
    }
  }
  assert.throws(() => digitStrokes(10, 280), /0-9/);
  // Through the pad's path: a 20 px box, centred by its mass, like MNIST.
  const { pixels } = renderStrokes(digitStrokes(8, 280), { minSpan: 21, side: MNIST_SIZE });
  const c = centreOfMass(pixels, MNIST_SIZE, MNIST_SIZE);
  assert.ok(Math.abs(c.x - 14) < 0.6 && Math.abs(c.y - 14) < 0.6, JSON.stringify(c));
});

test('the pretrained model reads each stroke-font digit as that digit', async () => {
  const f = await loadFacade();
  const t = new f.Trainer();
  t.importWeights(new Uint8Array(await readFile(new URL('../../public/pretrained/mnist-pretrained.weights', import.meta.url))));
  const read = [];
  for (let d = 0; d < 10; d++) {
    const { pixels } = renderStrokes(digitStrokes(d, 280), { minSpan: 21, side: MNIST_SIZE });
    const probs = t.predict(pixels);
    read.push(probs.indexOf(Math.max(...probs)));
  }
  assert.deepEqual(read, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
