// The test-set card: after each epoch the full test accuracy, the confusion matrix with
// per-class accuracy, and the test digits the model got most confidently wrong; and the quick
// estimate in the Train card's stats. `render(state)` shows the state's latest scores.
import { confusionMatrix, matrixAccuracy, perClassAccuracy } from './metrics.js';
import { formatInt, formatLoss, formatPercent } from './format.js';

export class EvaluationView {
  /**
   * @param {object} els
   * @param {HTMLElement} els.accuracy  [data-testid=test-accuracy]
   * @param {HTMLElement} els.estimate  [data-testid=test-accuracy-estimate]
   * @param {HTMLElement} els.detail    when / loss of the full evaluation
   * @param {HTMLTableElement} els.matrix [data-testid=confusion-matrix]
   * @param {HTMLElement} els.gallery   list of misclassified digits
   * @param {HTMLElement} els.galleryNote
   */
  constructor(els, gallerySize = 30) {
    this.els = els;
    this.names = []; // one per class of the model (setNames): the matrix has as many rows
    this.colHeads = [];
    this.rowHeads = [];
    this.lastGallery = null;
    this.cells = [];
    this.rowAcc = [];
    // Gallery entries (each with its canvas) are made now, at page load, and reused after every
    // epoch: the epoch-end update stays small while training runs.
    this.items = Array.from({ length: gallerySize }, () => this.#galleryItem());
    this.galleryTimer = 0;
    this.shown = { full: null, names: null }; // what render() last showed
    this.clear();
  }

  /** Shows `state.evaluation` with `state.classNames`; only what changed since the last call. */
  render({ evaluation, classNames }) {
    if (classNames !== this.shown.names) {
      this.shown.names = classNames;
      this.setNames(classNames);
    }
    if (evaluation.full !== this.shown.full) {
      this.shown.full = evaluation.full;
      if (evaluation.full) this.showFull(evaluation.full);
      else this.clear();
    }
    const estimate = formatPercent(evaluation.estimate); // '–' before any, like the other stats
    if (this.els.estimate.textContent !== estimate) this.els.estimate.textContent = estimate;
  }

  clear() {
    const { accuracy, estimate, detail, gallery, galleryNote } = this.els;
    accuracy.textContent = '';
    estimate.textContent = '–';
    detail.textContent = 'Appears after the first epoch.';
    clearTimeout(this.galleryTimer);
    this.lastGallery = null;
    gallery.replaceChildren();
    galleryNote.textContent = 'Appears after the first epoch.';
    this.els.matrix.dataset.count = '0';
    for (const row of this.cells) {
      for (const td of row) {
        td.textContent = '';
        td.dataset.count = '0';
        td.style.setProperty('--a', '0');
        td.removeAttribute('title');
      }
    }
    for (const td of this.rowAcc) td.textContent = '';
  }

  /** The class names for the matrix headers and the gallery; a new count makes a new matrix. */
  setNames(names) {
    const rebuild = names.length !== this.names.length;
    this.names = [...names];
    if (rebuild) {
      this.#buildMatrix();
      this.clear();
    }
    const set = (th, d) => {
      th.textContent = this.names[d];
      th.title = this.names[d];
    };
    this.colHeads.forEach(set);
    this.rowHeads.forEach(set);
    const named = String(this.names.some((n, d) => n !== String(d)));
    this.els.matrix.dataset.named = named;
    this.els.gallery.dataset.named = named;
    if (this.lastGallery) this.#fillGallery(...this.lastGallery);
  }

  /** A full evaluation message from the worker (see protocol.evaluation). */
  showFull({ accuracy, loss, count, epoch, step, predictions, labels, gallery }) {
    this.els.accuracy.textContent = formatPercent(accuracy);
    this.els.estimate.textContent = formatPercent(accuracy);
    this.els.detail.textContent =
      `${formatInt(count)} test images after epoch ${epoch} (step ${formatInt(step)}) · loss ${formatLoss(loss)}`;
    const counts = confusionMatrix(labels, predictions, this.names.length);
    this.#fillMatrix(counts);
    // The gallery goes in a later task and frame than the matrix: two small updates rather
    // than one large one on the main thread.
    clearTimeout(this.galleryTimer);
    this.galleryTimer = setTimeout(() => this.#fillGallery(gallery, count, counts, labels, predictions), 60);
  }

  #buildMatrix() {
    const classes = this.names.length;
    Object.assign(this, { colHeads: [], rowHeads: [], cells: [], rowAcc: [] });
    const table = this.els.matrix;
    table.replaceChildren();
    const caption = document.createElement('caption');
    caption.textContent = 'Confusion matrix: rows are the true digit, columns the predicted digit.';
    caption.className = 'sr-only';
    const head = document.createElement('thead');
    const hr = document.createElement('tr');
    const corner = document.createElement('th');
    corner.scope = 'col';
    corner.className = 'corner';
    corner.innerHTML = '<span class="sr-only">True digit</span><span aria-hidden="true">true ╲ pred</span>';
    hr.append(corner);
    for (let p = 0; p < classes; p++) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = this.names[p];
      this.colHeads.push(th);
      hr.append(th);
    }
    const accHead = document.createElement('th');
    accHead.scope = 'col';
    accHead.className = 'acc-col';
    accHead.textContent = 'accuracy';
    hr.append(accHead);
    head.append(hr);
    const body = document.createElement('tbody');
    for (let t = 0; t < classes; t++) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = this.names[t];
      this.rowHeads.push(th);
      tr.append(th);
      const row = [];
      for (let p = 0; p < classes; p++) {
        const td = document.createElement('td');
        td.dataset.true = String(t);
        td.dataset.pred = String(p);
        td.className = t === p ? 'diag' : 'off';
        tr.append(td);
        row.push(td);
      }
      const acc = document.createElement('td');
      acc.className = 'acc-col';
      tr.append(acc);
      this.cells.push(row);
      this.rowAcc.push(acc);
      body.append(tr);
    }
    table.append(caption, head, body);
  }

  #fillMatrix(counts) {
    const classes = this.names.length;
    const perClass = perClassAccuracy(counts, classes);
    let total = 0;
    for (let t = 0; t < classes; t++) {
      let rowTotal = 0;
      for (let p = 0; p < classes; p++) rowTotal += counts[t * classes + p];
      total += rowTotal;
      for (let p = 0; p < classes; p++) {
        const n = counts[t * classes + p];
        const td = this.cells[t][p];
        td.textContent = n ? String(n) : '·';
        td.dataset.count = String(n);
        // Shade by share of the row; mistakes are rare, so they are amplified to stay visible.
        const share = rowTotal ? n / rowTotal : 0;
        td.style.setProperty('--a', String(t === p ? share : Math.min(1, share * 8)));
        td.title = `true ${this.names[t]}, predicted ${this.names[p]}: ${n} image${n === 1 ? '' : 's'}`;
      }
      this.rowAcc[t].textContent = formatPercent(perClass[t]);
    }
    this.els.matrix.dataset.count = String(total);
    this.els.matrix.dataset.accuracy = String(matrixAccuracy(counts, classes));
  }

  #fillGallery(gallery, count, counts, labels, predictions) {
    this.lastGallery = [gallery, count, counts, labels, predictions];
    const names = this.names;
    const classes = names.length;
    let wrong = 0;
    for (let t = 0; t < classes; t++) for (let p = 0; p < classes; p++) if (t !== p) wrong += counts[t * classes + p];
    const { indices, pixels, confidence } = gallery;
    this.els.galleryNote.textContent = wrong
      ? `${formatInt(wrong)} of ${formatInt(count)} test digits misread; the ${indices.length} the model was surest about:`
      : 'No test digit was misread.';
    // Items (and their canvases) are made once and reused after every epoch.
    while (this.items.length < indices.length) this.items.push(this.#galleryItem());
    // The images are the core's input, side x side bytes each.
    const size = indices.length ? pixels.length / indices.length : 0;
    const side = Math.round(Math.sqrt(size));
    indices.forEach((index, k) => {
      const item = this.items[k];
      if (item.canvas.width !== side) {
        Object.assign(item.canvas, { width: side, height: side });
        item.image = item.ctx.createImageData(side, side);
      }
      const { li, ctx, image, predicted, was, canvas } = item;
      const truth = names[labels[index]];
      const guess = names[predictions[index]];
      for (let i = 0; i < size; i++) {
        const v = pixels[k * size + i];
        image.data[4 * i] = v;
        image.data[4 * i + 1] = v;
        image.data[4 * i + 2] = v;
        image.data[4 * i + 3] = 255;
      }
      ctx.putImageData(image, 0, 0);
      predicted.textContent = guess;
      was.textContent = `was ${truth}`;
      const sure = formatPercent(confidence[k], 0);
      canvas.setAttribute('aria-label', `Test image ${index}: a ${truth} read as ${guess}, ${sure} sure`);
      li.title = `test image #${index}: true ${truth}, predicted ${guess} (${sure} sure)`;
    });
    this.els.gallery.replaceChildren(...this.items.slice(0, indices.length).map((item) => item.li));
  }

  #galleryItem() {
    const li = document.createElement('li');
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img'); // sized by the images it shows (#fillGallery)
    const ctx = canvas.getContext('2d');
    const cap = document.createElement('span');
    cap.className = 'gallery-caption';
    const predicted = document.createElement('b');
    const was = document.createElement('span');
    was.className = 'was';
    cap.append(predicted, ' ', was);
    li.append(canvas, cap);
    return { li, canvas, ctx, image: null, predicted, was };
  }
}
