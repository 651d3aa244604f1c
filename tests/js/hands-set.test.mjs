// bench/hands-set.mjs's split of the writers and its class-stratified sample (the dev set itself
// is not in the project: these use made-up writers and digits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stratified, writerHalves } from '../../bench/hands-set.mjs';

const writers = [...Array.from({ length: 9 }, (_, i) => `unipen/w${i}`), 'finger/a', 'finger/b'];

test('writerHalves puts every writer in one half, both sources in both halves, the same whatever the order', () => {
  const halves = writerHalves(writers);
  assert.equal(halves.size, writers.length);
  for (const half of ['tune', 'held_out']) {
    const mine = writers.filter((w) => halves.get(w) === half);
    assert.ok(mine.some((w) => w.startsWith('finger/')) && mine.some((w) => w.startsWith('unipen/')), half);
  }
  const unipen = writers.filter((w) => w.startsWith('unipen/'));
  assert.deepEqual(
    unipen.map((w) => halves.get(w)).filter((h) => h === 'held_out').length,
    5, // 9 writers alternately from held_out
  );
  const again = writerHalves([...writers].reverse().concat(writers));
  for (const w of writers) assert.equal(again.get(w), halves.get(w), w);
});

test('stratified takes as even a share of each class as there is, seeded, in the set order', () => {
  const items = Array.from({ length: 300 }, (_, i) => ({ i, label: i < 200 ? i % 10 : 3 }));
  const a = stratified(items, 50, 7);
  assert.equal(a.length, 50);
  for (let c = 0; c < 10; c++) assert.equal(a.filter((d) => d.label === c).length, 5, `class ${c}`);
  assert.deepEqual(
    a.map((d) => d.i),
    [...a.map((d) => d.i)].sort((x, y) => x - y),
  );
  assert.deepEqual(stratified(items, 50, 7), a);
  assert.notDeepEqual(stratified(items, 50, 8), a);
  assert.equal(stratified(items, 0, 7), items);
});
