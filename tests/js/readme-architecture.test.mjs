// The README's architecture diagram names every module of the core (src/) and of the page (www/),
// and names nothing that does not exist: a module added, moved or removed fails here until the
// diagram says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.split('\n## Architecture\n')[1]?.split('\n## ')[0] ?? '';
const diagram = section.split('```')[1] ?? '';

/** Modules of a source folder: its files of `ext` and its sub-folders holding such files. */
function modules(dir, ext) {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(ROOT, dir, name);
    if (statSync(path).isDirectory()) return readdirSync(path).some((f) => f.endsWith(ext)) ? [`${name}/`] : [];
    return name.endsWith(ext) && !(ext === '.rs' && name === 'lib.rs') ? [name] : [];
  });
}

/** The module names in the diagram: `worker-pool.js`, `trainer/`, `optim/adam.rs`, ... */
const named = new Set(diagram.match(/[\w-]+\/(?:[\w-]+\.(?:rs|js))?|[\w-]+\.(?:rs|js)\b/g) ?? []);
const mentions = (name) => [...named].some((n) => n === name || n.startsWith(name));

test('the README has an architecture diagram', () => {
  assert.ok(diagram.length > 500, 'a ``` block under "## Architecture"');
});

for (const [dir, ext] of [['src', '.rs'], ['www', '.js']]) {
  test(`the diagram names every module of ${dir}/`, () => {
    const missing = modules(dir, ext).filter((m) => !mentions(m));
    assert.deepEqual(missing, [], `add these to the diagram in README.md ("## Architecture")`);
  });
}

test('every module the diagram names exists', () => {
  const exists = (n) => ['.', 'src', 'www', 'src/*', 'www/*'].some((base) => {
    if (!base.endsWith('*')) return existsSync(join(ROOT, base, n));
    const top = base.slice(0, -2);
    return readdirSync(join(ROOT, top)).some((d) => statSync(join(ROOT, top, d)).isDirectory() && existsSync(join(ROOT, top, d, n)));
  });
  const stale = [...named].filter((n) => !exists(n));
  assert.deepEqual(stale, [], 'the diagram names modules that are gone');
});
