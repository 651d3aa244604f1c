// The drawing pad: pointer events (mouse, touch, pen), `touch-action: none` in the CSS so a
// phone draws instead of scrolling. It shows the ink as drawn (a round pen), and keeps every
// stroke as a list of points in canvas pixels, coalesced events included, so fast strokes keep
// their shape. After each frame with new points it renders the 28x28 input from those vectors
// (preprocess.js: MNIST's pen width whatever the size of the drawing) and reports it, which it
// also shows enlarged ("what the network sees"). A test digit put on the pad is MNIST's pixels,
// reported as they are; drawing on it starts a new drawing. The keyboard pen and the stroke font
// (pad-keys.js, through views/pad-view.js) draw strokes the same way (penLine, write).
import { bytesToPixels, renderStrokes } from './preprocess.js';

/** The visible pen's width as a fraction of the pad's side (only what the user sees: the network's input is drawn with MNIST's pen). */
export const PEN_WIDTH = 0.075;

export class DrawPad {
  /**
   * @param {HTMLCanvasElement} canvas  the pad (its backing store is sized here)
   * @param {HTMLCanvasElement} preview a 28x28 canvas for the preprocessed image
   * @param {(result: null | { pixels: Float32Array }) => void} onChange  after new ink (once per frame) or a clear
   * @param {() => void} onStrokeStart  the user starts drawing (or clears the pad)
   * @param {() => void} onStrokeEnd
   */
  constructor({ canvas, preview, onChange, onStrokeStart = () => {}, onStrokeEnd = () => {} }) {
    this.canvas = canvas;
    this.preview = preview;
    this.onChange = onChange;
    this.onStrokeStart = onStrokeStart;
    this.onStrokeEnd = onStrokeEnd;
    const side = Math.round(280 * Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1)));
    canvas.width = side;
    canvas.height = side;
    this.ctx = canvas.getContext('2d');
    this.previewCtx = preview.getContext('2d');
    this.pointerId = null;
    this.last = null;
    this.frame = 0;
    this.empty = true;
    /** @type {{ x: number, y: number }[][]} every stroke drawn since the last clear, in canvas pixels */
    this.strokes = [];
    /** @type {Float32Array | null} a test digit's pixels, when one is on the pad */
    this.sample = null;
    this.#bind();
    this.#drawPreview(null);
  }

  get isEmpty() {
    return this.empty;
  }

  /** The drawing: its strokes, and the visible pen's width, both in canvas pixels. */
  get drawing() {
    return { strokes: this.strokes, penWidth: PEN_WIDTH * this.canvas.width };
  }

  clear() {
    this.#wipe();
    this.pointerId = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.#drawPreview(null);
    this.onStrokeStart();
    this.onChange(null);
  }

  #wipe() {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.empty = true;
    this.strokes = [];
    this.sample = null;
    this.canvas.classList.remove('has-ink');
  }

  /** The network's input side (the core's, READY's model): the preview and the rendered input are side x side. */
  setInputSide(side) {
    Object.assign(this.preview, { width: side, height: side });
  }

  /** Puts a dataset image (bytes 0..255, the core's side x side) on the pad, as if it had been drawn. */
  showImage(bytes) {
    const n = Math.round(Math.sqrt(bytes.length));
    const cell = this.canvas.width / n;
    this.#wipe();
    this.sample = bytesToPixels(bytes);
    this.ctx.fillStyle = this.#ink();
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const v = bytes[y * n + x];
        if (!v) continue;
        this.ctx.globalAlpha = v / 255;
        this.ctx.fillRect(x * cell, y * cell, cell, cell);
      }
    }
    this.ctx.globalAlpha = 1;
    this.empty = false;
    this.canvas.classList.add('has-ink');
    this.#changed();
    this.onStrokeEnd();
  }

  #ink() {
    return getComputedStyle(this.canvas).color || '#000';
  }

  #bind() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (this.pointerId !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
      e.preventDefault();
      this.pointerId = e.pointerId;
      c.setPointerCapture(e.pointerId);
      this.#begin(this.#point(e));
    });
    c.addEventListener('pointermove', (e) => {
      if (e.pointerId !== this.pointerId) return;
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      const rect = this.canvas.getBoundingClientRect(); // once per event, not per coalesced point
      this.#extend((events.length ? events : [e]).map((ev) => this.#point(ev, rect)));
    });
    const end = (e) => {
      if (e.pointerId !== this.pointerId) return;
      this.pointerId = null;
      this.onStrokeEnd();
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('lostpointercapture', end);
  }

  /** A stroke starts at `p` (canvas pixels), with a dot so a tap leaves ink. */
  #begin(p) {
    this.onStrokeStart();
    if (this.sample) this.#wipe(); // a test digit is not a drawing to add to
    const ctx = this.ctx;
    ctx.strokeStyle = this.#ink();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = PEN_WIDTH * this.canvas.width;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    this.last = p;
    this.strokes.push([p]);
    ctx.beginPath();
    ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
    this.empty = false;
    this.canvas.classList.add('has-ink');
    this.#changed();
  }

  /** The stroke under way goes on through `points` (canvas pixels). */
  #extend(points) {
    const ctx = this.ctx;
    const stroke = this.strokes[this.strokes.length - 1];
    ctx.beginPath();
    ctx.moveTo(this.last.x, this.last.y);
    for (const p of points) {
      this.last = p;
      stroke.push(p);
      ctx.lineTo(p.x, p.y);
    }
    ctx.stroke();
    this.#changed();
  }

  /**
   * The keyboard pen (pad-keys.js), at fractions of the side: `down` starts a stroke at `to`;
   * otherwise ink from `from` to `to`, on the stroke under way if it ended at `from`.
   */
  penLine(from, to, down = false) {
    const px = ({ x, y }) => ({ x: x * this.canvas.width, y: y * this.canvas.height });
    const a = px(from);
    const on = !down && !this.sample && this.strokes.length && this.last && this.last.x === a.x && this.last.y === a.y;
    if (!on) this.#begin(down ? px(to) : a);
    if (!down) this.#extend([px(to)]);
  }

  /** Writes `strokes` (lists of points in canvas pixels: pad-keys.js digitStrokes) on a clean pad, as if drawn. */
  write(strokes) {
    this.#wipe();
    for (const [first, ...rest] of strokes) {
      this.#begin(first);
      if (rest.length) this.#extend(rest);
    }
    this.onStrokeEnd();
  }

  /** Event position in canvas pixels. */
  #point(e, r = this.canvas.getBoundingClientRect()) {
    return {
      x: ((e.clientX - r.left) / r.width) * this.canvas.width,
      y: ((e.clientY - r.top) / r.height) * this.canvas.height,
    };
  }

  /** Renders the input at most once per animation frame, however many pointer events arrive. */
  #changed() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.empty) return;
      // minSpan: a tap or a wobble no bigger than the visible pen stays a dot.
      const result = this.sample ? { pixels: this.sample } : renderStrokes(this.strokes, { minSpan: this.drawing.penWidth, side: this.preview.width });
      this.#drawPreview(result);
      this.onChange(result);
    });
  }

  /** The network's input as MNIST shows it: white ink on black. */
  #drawPreview(result) {
    const { width, height } = this.preview;
    if (!width) return; // no model yet: its input side comes with READY (setInputSide)
    const img = this.previewCtx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const v = result ? Math.round(result.pixels[i] * 255) : 0;
      img.data[4 * i] = v;
      img.data[4 * i + 1] = v;
      img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    this.previewCtx.putImageData(img, 0, 0);
  }
}
