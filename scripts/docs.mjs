#!/usr/bin/env node
// Writes the settings' docs from the one list (src/config.rs, as the built package's
// `settingsSchema()` gives it): the table in README.md ("Settings") and the `TrainerConfig`
// interface in docs/facade.md. Each lives between two marker lines; the rest of both files is
// prose and stays as written. tests/js/docs.test.mjs fails while the committed files differ from
// what this writes, so a new setting (or a changed default, limit, label or help) shows up here:
//
//   bash scripts/build-wasm.sh && node scripts/docs.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);
export const FIX = 'bash scripts/build-wasm.sh && node scripts/docs.mjs';

/** A value as the docs print it: 0.006, 60000, true, "adam". */
export const shown = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** The values a setting accepts, in words, from the schema's limits (and `options`, if any). */
export function accepted(field) {
  const { type, min, max, exclusiveMin, zeroMeans } = field;
  const options = Object.values(field).find(Array.isArray);
  if (options) return `one of ${options.map(shown).join(', ')}`;
  if (type === 'boolean') return 'true or false';
  if (min === undefined || max === undefined) return type;
  const whole = type === 'integer' ? ' (whole)' : '';
  if (zeroMeans) return `0 (${zeroMeans}) or 1 to ${shown(max)}${whole}`;
  if (exclusiveMin) return `over ${shown(min)}, up to ${shown(max)}${whole}`;
  return `${shown(min)} to ${shown(max)}${whole}`;
}

/** The TypeScript type of a setting's value. */
function tsType(field) {
  const options = Object.values(field).find(Array.isArray);
  if (options) return options.map(shown).join(' | ');
  return field.type === 'integer' ? 'number' : field.type;
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** README.md's table: one row per setting, in the form's order. */
export function settingsTable(schema) {
  const rows = schema.map((f) =>
    [`\`${f.name}\``, f.form ? f.label : `${f.label} (not in the form)`, accepted(f), `\`${shown(f.default)}\``, f.help]
      .map(cell)
      .join(' | '),
  );
  return ['| setting | in the page | values | default | what it does |', '| --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r} |`)];
}

/** docs/facade.md's `TrainerConfig` members, one line each. */
export function configInterface(schema) {
  const decls = schema.map((f) => `  ${f.name}: ${tsType(f)};`);
  const width = Math.max(...decls.map((d) => d.length)) + 1;
  return schema.map((f, i) => {
    const where = f.form ? '' : ' (not in the form)';
    return `${decls[i].padEnd(width)}// ${accepted(f)}, default ${shown(f.default)}: ${f.label}${where}`;
  });
}

/** The generated regions: file, the marker lines around the region, and its lines. */
export function regions(schema) {
  return [
    {
      file: 'README.md',
      begin: `<!-- settings: written by \`node scripts/docs.mjs\` from settingsSchema() (src/config.rs); edit there -->`,
      end: '<!-- end of settings -->',
      lines: settingsTable(schema),
    },
    {
      file: 'docs/facade.md',
      begin: '  // written by `node scripts/docs.mjs` from settingsSchema() (src/config.rs); edit there',
      end: '  // end of settings',
      lines: configInterface(schema),
    },
  ];
}

/** `text` with the lines between `begin` and `end` replaced by `lines`; throws if a marker is missing. */
export function replaceRegion(text, { file, begin, end, lines }) {
  const all = text.split('\n');
  const from = all.indexOf(begin);
  const to = all.indexOf(end, from + 1);
  if (from < 0 || to < 0) throw new Error(`${file}: the marker lines are missing:\n${begin}\n${end}`);
  return [...all.slice(0, from + 1), ...lines, ...all.slice(to)].join('\n');
}

/** Each file's text now and as this script would write it: `[{ file, now, wanted }]`. */
export function rewrites(schema) {
  return regions(schema).map((region) => {
    const now = readFileSync(new URL(region.file, ROOT), 'utf8');
    return { file: region.file, now, wanted: replaceRegion(now, region) };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { loadFacade } = await import('../tests/js/wasm-node.mjs');
  const schema = (await loadFacade()).settingsSchema();
  for (const { file, now, wanted } of rewrites(schema)) {
    if (now === wanted) continue;
    writeFileSync(new URL(file, ROOT), wanted);
    console.log(`docs: wrote ${file}`);
  }
}
