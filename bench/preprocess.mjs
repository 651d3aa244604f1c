#!/usr/bin/env node
// Owns `npm run bench:preprocess`: how long the pad's preprocessing (`renderStrokes`,
// www/preprocess.js, with the pad's pen) takes per call in Node, the work the page does at most
// once a frame while a digit is drawn. The drawings are the drawn-digit benchmark's
// (bench/drawn-digits.mjs: MNIST test digits redrawn as strokes), as drawn (points every 0.8-2.5 %
// of the pad) and resampled every 0.2 % of the pad (coalesced pointer events of a fast scribble:
// hundreds of points). Progress on stderr; ONE JSON object on stdout.
//
// Options: --count N (digits, default 100), --calls N (timed calls per digit, default 20).
import { loadavg } from 'node:os';
import { drawnDigits, resample } from './drawn-digits.mjs';
import { renderStrokes } from '../www/preprocess.js';
import { PEN_WIDTH } from '../www/draw-pad.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`--${name} needs a whole number >= 1\n`);
    process.exit(2);
  }
  return v;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (x, digits = 3) => Number(x.toFixed(digits));

/** ms per `renderStrokes` call for each drawing (the mean of `calls` calls), summarised. */
function timeCalls(drawings, calls) {
  for (const strokes of drawings.slice(0, 20)) for (let i = 0; i < 20; i++) renderStrokes(strokes, { minSpan: PEN_WIDTH }); // warm up
  const perCall = drawings.map((strokes) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) renderStrokes(strokes, { minSpan: PEN_WIDTH });
    return (performance.now() - t0) / calls;
  });
  const points = drawings.map((strokes) => strokes.reduce((n, s) => n + s.length, 0));
  const sorted = [...perCall].sort((a, b) => a - b);
  return {
    drawings: drawings.length,
    points_mean: Math.round(points.reduce((a, b) => a + b, 0) / points.length),
    points_max: Math.max(...points),
    ms_median: round(quantile(sorted, 0.5)),
    ms_p90: round(quantile(sorted, 0.9)),
    ms_max: round(sorted.at(-1)),
  };
}

const count = option('count', 100);
const calls = option('calls', 20);
process.stderr.write(`drawing ${count} digits\n`);
const asDrawn = drawnDigits({ count }).map((d) => d.strokes);
const coalesced = asDrawn.map((strokes) => strokes.map((line) => resample(line, 0.002)));
const out = {
  date_utc: new Date().toISOString(),
  command: `npm run bench:preprocess -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
  what: 'ms per renderStrokes call (www/preprocess.js, the pad pen), in Node',
  node: process.version,
  load_average_1min: Number(loadavg()[0].toFixed(2)), // the machine is shared: figures under load run slower
  calls_per_drawing: calls,
  as_drawn: timeCalls(asDrawn, calls),
  coalesced: timeCalls(coalesced, calls),
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
