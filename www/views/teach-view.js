// "Teach it" and the pretrained model, in the pad card: one "It's a …" button per class and the
// status under the prediction, the Your drawings gallery (relabel, delete, export, import, Learn
// them for good), and "Use a pretrained model" with its note. Dispatches the user's actions; renders state/inside.js.
import { Action } from '../state.js';
import { canTeach, pretrainedNote, teachStatus } from '../state/inside.js';
import { trainControls } from '../ui-state.js';
import { byId, make, setAttr, setDisabled, setText } from './dom.js';

export class TeachView {
  constructor(dispatch) {
    this.digits = byId('teach-digits');
    this.buttons = [];
    this.buttonNames = null; // the class names the buttons were made for
    this.digits.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-digit]');
      if (b) dispatch({ type: Action.TEACH, digit: Number(b.dataset.digit) });
    });
    this.status = byId('teach-status');
    // Where focus goes when the control that had it is disabled or removed: the pad, to draw the next digit.
    this.padCanvas = byId('draw-pad');
    this.panelSummary = byId('my-drawings-panel').querySelector('summary');
    this.gallery = byId('my-drawings');
    this.count = byId('my-drawings-count');
    this.pretrained = byId('load-pretrained');
    this.pretrainedNote = byId('pretrained-note');
    this.pretrained.addEventListener('click', () => dispatch({ type: Action.PRETRAINED }));
    byId('export-drawings').addEventListener('click', () => dispatch({ type: Action.DRAWINGS_EXPORT }));
    this.learn = byId('learn-drawings');
    this.learn.addEventListener('click', () => dispatch({ type: Action.LEARN_DRAWINGS }));
    const input = byId('import-drawings');
    input.addEventListener('change', () => {
      const files = [...input.files];
      input.value = '';
      if (files.length) dispatch({ type: Action.DRAWINGS_IMPORT, files });
    });
    this.gallery.addEventListener('change', (e) => {
      const item = e.target.closest('[data-id]');
      if (item) dispatch({ type: Action.DRAWING_RELABEL, id: Number(item.dataset.id), label: Number(e.target.value) });
    });
    this.gallery.addEventListener('click', (e) => {
      const item = e.target.closest('button[data-delete]')?.closest('[data-id]');
      if (item) dispatch({ type: Action.DRAWING_DELETE, id: Number(item.dataset.id) });
    });
    this.shown = null; // the drawings list last rendered
    this.shownNames = null;
  }

  render(s) {
    if (s.classNames !== this.buttonNames) {
      this.buttonNames = s.classNames;
      this.buttons = s.classNames.map((name, d) =>
        make('button', { type: 'button', className: 'button ghost teach-digit', textContent: name }, { 'data-digit': String(d), 'aria-label': `It's a ${name}` }),
      );
      this.digits.replaceChildren(...this.buttons);
    }
    const off = !canTeach(s);
    for (const b of this.buttons) setDisabled(b, off, [this.padCanvas]);
    const status = teachStatus(s);
    setAttr(this.status, 'data-state', status.state);
    setText(this.status, status.text);
    setDisabled(this.pretrained, !s.workerReady || Boolean(s.busy), [this.padCanvas]);
    // Startable like Train (data, valid settings, no run under way), and with drawings to learn.
    setDisabled(this.learn, !s.drawings.length || trainControls(s).train.disabled);
    setText(this.pretrainedNote, pretrainedNote(s));
    if (s.drawings !== this.shown || s.classNames !== this.shownNames) {
      this.shown = s.drawings;
      this.shownNames = s.classNames;
      this.renderGallery(s.drawings, s.classNames);
    }
  }

  /** One item per drawing: its 28x28 image, a label picker and Delete. Redrawn only when the list changes. */
  renderGallery(drawings, names) {
    setText(this.count, drawings.length ? `(${drawings.length})` : '');
    // Focus inside the list is kept across the redraw: on the same control of the same drawing,
    // else (it was deleted) on the Delete of the drawing now in its place, or the one before.
    const active = document.activeElement;
    const had = this.gallery.contains(active) ? { id: active.closest('[data-id]')?.dataset.id, del: active.hasAttribute('data-delete'), at: [...this.gallery.children].indexOf(active.closest('[data-id]')) } : null;
    const items = drawings.map((d, k) => {
      const side = Math.round(Math.sqrt(d.pixels.length)); // the core's input side
      const canvas = make('canvas', { width: side, height: side }, { role: 'img', 'aria-label': `Drawing ${k + 1}, labelled ${names[d.label] ?? d.label}` });
      const image = new ImageData(side, side);
      d.pixels.forEach((p, i) => {
        image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = 255 - p;
        image.data[4 * i + 3] = 255;
      });
      canvas.getContext('2d').putImageData(image, 0, 0);
      const select = make('select', {}, { 'aria-label': `Label of drawing ${k + 1}` });
      names.forEach((name, digit) => select.append(make('option', { value: String(digit), textContent: name, selected: digit === d.label })));
      const del = make('button', { type: 'button', className: 'button ghost small', textContent: 'Delete' }, { 'data-delete': '', 'aria-label': `Delete drawing ${k + 1}` });
      const li = make('li', { className: 'my-drawing' }, { 'data-id': String(d.id), 'data-label': String(d.label) });
      li.append(canvas, select, del);
      return li;
    });
    this.gallery.replaceChildren(...items);
    if (had) {
      const same = items.find((li) => li.dataset.id === had.id);
      const near = items[Math.min(had.at, items.length - 1)];
      const to = same ? same.querySelector(had.del ? 'button[data-delete]' : 'select') : near?.querySelector('button[data-delete]');
      (to ?? this.panelSummary).focus();
    }
  }
}
