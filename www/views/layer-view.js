// "Look inside the network": the collapsible panel under the pad. Draws the latest LAYER_VIEWS
// (state/inside.js keeps it): conv1's 32 filters (3x3; light adds ink, dark subtracts), the maps
// after each convolution's ReLU as a grid of tiles (each layer on its own scale: the brightest
// value is white), the 64 dense activations and the 10 outputs. Which part of the buffer is which
// layer comes with the message (the core's activationLayout(): src/network.rs), not from here;
// so do each canvas's caption and text label (names, kinds, shapes).
// Draws at native size with putImageData (CSS scales the canvases up, pixelated): ~1 ms. Each
// layer's maps are shown at a size that grows with their side (state/inside.js mapGrid), so the
// 26×26 maps are larger than the 3×3 ones; the outputs are labelled with the class names (the
// core's) and the highest one is drawn in the accent colour, outlined and said in words.
import { Action } from '../state.js';
import { TILE_GAP as GAP, mapGrid, outputWinner } from '../state/inside.js';
import { byId, make, setAttr, setHidden, setText } from './dom.js';

const OUTPUT_COLS = 10; // the outputs' strip wraps after this many (62 classes: 7 rows)

/** Writes `tiles` (count, side) into a canvas as a grid of `cols` columns; `value(t, y, x)` in [0, 1]. */
function drawTiles(canvas, count, side, cols, value) {
  const rows = Math.ceil(count / cols);
  const w = cols * (side + GAP) - GAP;
  const h = rows * (side + GAP) - GAP;
  if (canvas.width !== w || canvas.height !== h) Object.assign(canvas, { width: w, height: h });
  const image = new ImageData(w, h);
  image.data.fill(40); // the gaps: dark grey
  for (let t = 0; t < count; t++) {
    const [ox, oy] = [(t % cols) * (side + GAP), Math.floor(t / cols) * (side + GAP)];
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = 255 * Math.min(1, Math.max(0, value(t, y, x))); // the clamped array rounds
        const o = 4 * ((oy + y) * w + ox + x);
        image.data[o] = image.data[o + 1] = image.data[o + 2] = v;
        image.data[o + 3] = 255;
      }
    }
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
}

function maxOf(a, from, len, f = (v) => v) {
  let m = 0;
  for (let i = from; i < from + len; i++) m = Math.max(m, f(a[i]));
  return m || 1;
}

export class LayerView {
  constructor(dispatch) {
    this.panel = byId('layer-views');
    this.note = byId('layer-views-note');
    this.canvases = {
      filters: byId('layer-filters'),
      conv1: byId('layer-conv1'),
      conv2: byId('layer-conv2'),
      conv3: byId('layer-conv3'),
      dense: byId('layer-dense'),
      output: byId('layer-output'),
    };
    this.outputLabels = byId('layer-output-labels');
    this.winner = byId('layer-output-winner');
    this.labelNames = null; // the class names the labels were made for
    this.panel.addEventListener('toggle', () => dispatch({ type: Action.LAYERS_TOGGLE, open: this.panel.open }));
    this.shown = null;
  }

  render(s) {
    const { view, error } = s.layers;
    setText(this.note, error ? `The layers could not be shown: ${error}` : s.pad.current ? 'For the drawing on the pad, with the weights as they are now.' : 'Draw a digit to see what each layer makes of it.');
    setHidden(this.note, false);
    if (!view || view === this.shown || !this.panel.open) return;
    this.shown = view;
    this.draw(view, s.classNames);
  }

  /** Sets a canvas's caption (its figure's figcaption) and its text label. */
  describe(canvas, caption, label) {
    setText(canvas.closest('figure').querySelector('figcaption'), caption);
    setAttr(canvas, 'aria-label', label);
  }

  draw({ layout, activations: a, filters }, classNames) {
    const c = this.canvases;
    const convs = layout.filter((l) => l.kind === 'Conv2D');
    const count = convs[0].shape[2];
    const k = Math.round(Math.sqrt(filters.length / count)); // the kernel's side
    const fmax = maxOf(filters, 0, filters.length, Math.abs);
    drawTiles(c.filters, count, k, 8, (t, y, x) => 0.5 + filters[t * k * k + y * k + x] / (2 * fmax));
    this.describe(
      c.filters,
      `${convs[0].name}: its ${count} filters (${k}×${k})`,
      `${convs[0].label}: its ${count} filters, ${k} by ${k} pixels each: light where a filter adds ink, dark where it subtracts`,
    );
    [c.conv1, c.conv2, c.conv3].forEach((canvas, k) => {
      const l = convs[k];
      if (!l) return;
      const [h, w, ch] = l.shape;
      const m = maxOf(a, l.offset, l.len);
      const grid = mapGrid(h, ch, canvas.parentElement.clientWidth);
      drawTiles(canvas, ch, h, grid.cols, (t, y, x) => a[l.offset + (y * w + x) * ch + t] / m);
      canvas.style.setProperty('--width', `${grid.width}px`);
      setAttr(canvas, 'data-tile', String(grid.tile)); // CSS px a map
      this.describe(canvas, `${l.name} after ReLU: ${ch} maps, ${h}×${w}`, `${l.label}: ${ch} maps of ${h} by ${w}, how strongly each filter responds across the drawing`);
    });
    const dense = layout.filter((l) => l.kind === 'Dense');
    const [hidden, output] = [dense[0], dense[dense.length - 1]];
    const m = maxOf(a, hidden.offset, hidden.len);
    drawTiles(c.dense, hidden.len, 1, hidden.len, (t) => a[hidden.offset + t] / m);
    this.describe(c.dense, `${hidden.name} after ReLU: ${hidden.len} values`, `${hidden.label}: the ${hidden.len} activations before the classifier, brighter is stronger`);
    const probs = a.subarray(output.offset, output.offset + output.len);
    const cols = Math.min(OUTPUT_COLS, probs.length);
    const rows = Math.ceil(probs.length / cols);
    drawTiles(c.output, probs.length, 1, cols, (t) => probs[t]);
    const win = outputWinner(probs, classNames);
    this.#markWinner(c.output, win.index, cols);
    for (const el of [c.output, this.outputLabels]) {
      el.style.setProperty('--cols', String(cols));
      el.style.setProperty('--rows', String(rows));
    }
    this.#labelOutputs(probs, classNames, win.index);
    setText(this.winner, win.text);
    this.describe(c.output, `${output.name}: the ${output.len} outputs`, `${output.label}: the probability of each of the ${output.len} classes, brighter is more likely. ${win.text}.`);
  }

  /** The winner's cell in the accent colour (not white on white). */
  #markWinner(canvas, index, cols) {
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = getComputedStyle(canvas).getPropertyValue('--accent').trim() || '#4f46e5';
    ctx.fillRect((index % cols) * (1 + GAP), Math.floor(index / cols) * (1 + GAP), 1, 1);
  }

  /** One label per output, over its cell: the class name; the winner outlined. */
  #labelOutputs(probs, names, winner) {
    if (names !== this.labelNames || this.outputLabels.children.length !== probs.length) {
      this.labelNames = names;
      this.outputLabels.replaceChildren(...Array.from(probs, (_, i) => make('li', { textContent: names[i] ?? String(i) })));
    }
    [...this.outputLabels.children].forEach((li, i) => {
      li.toggleAttribute('data-winner', i === winner);
      li.toggleAttribute('data-bright', i !== winner && probs[i] > 0.5); // dark text on a light cell
    });
  }
}
