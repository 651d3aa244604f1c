// Docs that stay true: README.md's settings table and docs/facade.md's TrainerConfig are what
// scripts/docs.mjs writes from the built package's settingsSchema(), and docs/facade.md names
// every function and Trainer method the package exports, and nothing it does not.
// Needs `bash scripts/build-wasm.sh`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FIX, accepted, regions, replaceRegion, rewrites, shown } from '../../scripts/docs.mjs';
import { loadFacade } from './wasm-node.mjs';

const f = await loadFacade();
const schema = f.settingsSchema();
const FACADE_MD = readFileSync(new URL('../../docs/facade.md', import.meta.url), 'utf8');

test('the settings docs are what scripts/docs.mjs writes from the schema', () => {
  for (const { file, now, wanted } of rewrites(schema)) {
    // The first line that differs, so the message says what went stale.
    const [a, b] = [now.split('\n'), wanted.split('\n')];
    const i = a.findIndex((line, k) => line !== b[k]);
    assert.ok(
      now === wanted,
      `${file} does not match src/config.rs's settings (line ${i + 1}):\n  is:     ${a[i]}\n  schema: ${b[i]}\nRun \`${FIX}\` and commit the result.`,
    );
  }
});

test('every setting has a row with its name, limits and default', () => {
  // The generator itself: no setting dropped, none invented, whatever the schema holds.
  const [table, iface] = regions(schema).map((r) => r.lines);
  assert.equal(table.length, schema.length + 2, 'a header, a rule, a row per setting');
  assert.equal(iface.length, schema.length);
  for (const [k, field] of schema.entries()) {
    const row = table[k + 2];
    assert.ok(row.startsWith(`| \`${field.name}\` |`), row);
    assert.ok(row.includes(`| \`${shown(field.default)}\` |`), `${row}: default ${field.default}`);
    assert.ok(row.includes(accepted(field)), row);
    assert.match(iface[k], new RegExp(`^  ${field.name}: [^;]+;.*default ${shown(field.default)}`));
  }
  const byName = Object.fromEntries(schema.map((field) => [field.name, accepted(field)]));
  assert.equal(byName.epochs, '1 to 100 (whole)');
  assert.equal(byName.learningRate, 'over 0, up to 1');
  assert.equal(byName.workers, '0 (auto) or 1 to 8 (whole)');
  assert.equal(byName.augment, 'true or false');
  assert.equal(accepted({ type: 'string', options: ['adam', 'sgd'] }), 'one of "adam", "sgd"');
});

test('a region is replaced between its markers, and a missing marker is an error', () => {
  const region = { file: 'x.md', begin: '<!-- a -->', end: '<!-- b -->', lines: ['new'] };
  assert.equal(replaceRegion('top\n<!-- a -->\nold\nolder\n<!-- b -->\nend', region), 'top\n<!-- a -->\nnew\n<!-- b -->\nend');
  assert.throws(() => replaceRegion('top\n<!-- a -->\nold', region), /x\.md: the marker lines are missing/);
});

/** The package's API: its exported functions and the Trainer's methods and statics. */
function exported() {
  const hidden = (name) => name.startsWith('__') || ['length', 'name', 'prototype', 'constructor'].includes(name);
  // Not API: `default` is init, `start` the #[wasm_bindgen(start)] hook that init runs.
  const loader = ['default', 'start'];
  const functions = Object.keys(f).filter((k) => typeof f[k] === 'function' && !loader.includes(k) && !/^[A-Z]/.test(k));
  const classes = Object.keys(f).filter((k) => /^[A-Z]/.test(k) && typeof f[k] === 'function');
  const members = classes.flatMap((c) =>
    [...Object.getOwnPropertyNames(f[c].prototype), ...Object.getOwnPropertyNames(f[c])].filter((m) => !hidden(m)),
  );
  return { functions, classes, members };
}

/** What docs/facade.md's TypeScript block declares: top-level functions, classes and methods. */
function declared() {
  const block = FACADE_MD.match(/```ts\n([\s\S]*?)```/)[1];
  const functions = [...block.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]);
  const classes = [...block.matchAll(/^class (\w+) \{\n([\s\S]*?)^\}/gm)];
  const members = classes.flatMap(([, , body]) => [...body.matchAll(/^  (\w+)\(/gm)].map((m) => m[1]));
  return { functions, classes: classes.map((m) => m[1]), members: members.filter((m) => m !== 'constructor') };
}

test('docs/facade.md documents every export of the package', () => {
  const { functions, classes, members } = exported();
  assert.ok(functions.includes('settingsSchema') && members.includes('trainSteps'), 'the package was read');
  // Declared, or named as a call in the prose or the comments (`beginStep(n)`, `randomSeed()`).
  const missing = [...functions, ...members].filter((name) => !new RegExp(`\\b${name}\\(`).test(FACADE_MD));
  assert.deepEqual(missing, [], `exported by pkg/mnist_wasm.js but not in docs/facade.md: add them there`);
  assert.deepEqual(classes, declared().classes);
});

test('docs/facade.md declares nothing the package does not export', () => {
  const { functions, members } = exported();
  const d = declared();
  assert.ok(d.functions.length > 5 && d.members.length > 20, 'the declarations were read');
  assert.deepEqual(d.functions.filter((name) => !functions.includes(name)), [], 'declared functions not in pkg/mnist_wasm.js');
  assert.deepEqual(d.members.filter((name) => !members.includes(name)), [], 'declared Trainer methods not in pkg/mnist_wasm.js');
});
