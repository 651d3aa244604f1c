#!/usr/bin/env node
// Draws docs/preprocessing.svg, the README's figure of what the pad does to a drawing
// (www/preprocess.js): one digit drawn small and large on the pad, each row showing
//   the pad as drawn (the visible pen, and the points' bounding box, dashed)
//   → the strokes scaled so the box's longer side fills MNIST's 20 px box, drawn with MNIST's pen
//   → moved so the centre of mass sits at (14, 14): the 28x28 input the network gets.
// The strokes are an MNIST test digit traced by the drawn-digit benchmark (bench/drawn-digits.mjs).
//
//   node scripts/preprocess-figure.mjs [test index, default 7 (a 9)] > docs/preprocessing.svg
import { readTestSet, redraw, strokesOfImage } from '../bench/drawn-digits.mjs';
import { mulberry32 } from '../bench/prng.mjs';
import { MNIST_SIZE, boxStrokes, pointsBox, rasterize, renderStrokes } from '../www/preprocess.js';
import { PEN_WIDTH } from '../www/draw-pad.js';

const index = Number(process.argv[2] ?? 7);
const set = readTestSet();
const strokes = strokesOfImage(set.images.subarray(16 + index * 784, 16 + (index + 1) * 784));

const PAD = 150; // px of the figure per panel
const GAP = 46;
const CELL = PAD / MNIST_SIZE;
const f = (v) => Math.round(v * 100) / 100;

/** The box-centred first pass of renderStrokes: scaled into the 20 px box, not yet moved. */
const scaledOnly = (drawing) => rasterize(boxStrokes(drawing, { minSpan: PEN_WIDTH }).strokes);

function padPanel(x, y, drawing) {
  const box = pointsBox(drawing);
  const path = drawing
    .map((s) => 'M' + s.map((p) => `${f(x + p.x * PAD)} ${f(y + p.y * PAD)}`).join(' L'))
    .join(' ');
  return [
    `<rect x="${x}" y="${y}" width="${PAD}" height="${PAD}" fill="#fff" stroke="#888"/>`,
    `<path d="${path}" fill="none" stroke="#222" stroke-width="${f(PEN_WIDTH * PAD)}" stroke-linecap="round" stroke-linejoin="round"/>`,
    `<rect x="${f(x + box.minX * PAD)}" y="${f(y + box.minY * PAD)}" width="${f((box.maxX - box.minX) * PAD)}" height="${f((box.maxY - box.minY) * PAD)}" fill="none" stroke="#d33" stroke-dasharray="4 3"/>`,
  ].join('\n');
}

function pixelPanel(x, y, pixels, { box20 = false, centre = false } = {}) {
  const out = [`<rect x="${x}" y="${y}" width="${PAD}" height="${PAD}" fill="#000"/>`];
  for (let k = 0; k < pixels.length; k++) {
    if (pixels[k] <= 0) continue;
    const g = Math.round(255 * pixels[k]);
    out.push(`<rect x="${f(x + (k % 28) * CELL)}" y="${f(y + Math.floor(k / 28) * CELL)}" width="${f(CELL + 0.05)}" height="${f(CELL + 0.05)}" fill="rgb(${g},${g},${g})"/>`);
  }
  if (box20) out.push(`<rect x="${f(x + 4 * CELL)}" y="${f(y + 4 * CELL)}" width="${f(20 * CELL)}" height="${f(20 * CELL)}" fill="none" stroke="#d33" stroke-dasharray="4 3"/>`);
  if (centre) {
    const c = (v) => f(v + 14 * CELL);
    out.push(`<path d="M${c(x) - 6} ${c(y)} H${c(x) + 6} M${c(x)} ${c(y) - 6} V${c(y) + 6}" stroke="#3a3" stroke-width="1.5"/>`);
  }
  return out.join('\n');
}

const rows = [
  ['small', redraw(strokes, 'small', mulberry32(3))],
  ['large', redraw(strokes, 'large', mulberry32(4))],
];
const TOP = 40;
const W = 3 * PAD + 2 * GAP + 20;
const H = TOP + rows.length * (PAD + 28) + 4;
const parts = [];
const titles = [
  ['drawn on the pad,', 'box of the points'],
  ["scaled into MNIST's 20 px box,", "drawn with MNIST's pen"],
  ['centre of mass to (14, 14):', 'what the network gets'],
];
titles.forEach((lines, i) =>
  lines.forEach((t, l) => parts.push(`<text x="${10 + i * (PAD + GAP) + PAD / 2}" y="${14 + 13 * l}" text-anchor="middle">${t}</text>`)),
);
rows.forEach(([size, drawing], r) => {
  const y = TOP + r * (PAD + 28);
  const x = (i) => 10 + i * (PAD + GAP);
  parts.push(padPanel(x(0), y, drawing));
  parts.push(pixelPanel(x(1), y, scaledOnly(drawing), { box20: true }));
  parts.push(pixelPanel(x(2), y, renderStrokes(drawing, { minSpan: PEN_WIDTH }).pixels, { centre: true }));
  for (const i of [0, 1]) parts.push(`<text x="${x(i) + PAD + GAP / 2}" y="${y + PAD / 2 + 5}" text-anchor="middle" font-size="20">→</text>`);
  parts.push(`<text x="${x(0)}" y="${y + PAD + 16}">drawn ${size}</text>`);
});
process.stdout.write(
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="#222">\n` +
    `<title>The pad's preprocessing: a digit drawn small and large gives the same 28x28 input</title>\n` +
    `<rect width="${W}" height="${H}" fill="#fafafa"/>\n${parts.join('\n')}\n</svg>\n`,
);
