// The "Your own data" card: IDX files chosen or dropped (read and gunzipped here, sorted into
// sets by www/state.js), which set unnamed files go to, the class names field and the note
// saying what data is in use.
import { Action } from '../state.js';
import { fileControls } from '../ui-state.js';
import { readFileBytes } from '../user-files.js';
import { byId, setAttr, setDisabledKeepingFocus, setHidden, setText } from './dom.js';

export class DataView {
  constructor(dispatch) {
    this.dispatch = dispatch;
    this.dropZone = byId('drop-zone');
    this.input = byId('data-files');
    this.note = byId('data-note');
    this.classInput = byId('class-names');
    this.classMessage = byId('class-names-msg');

    const { dropZone, input, classInput } = this;
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.value = '';
      this.#load(files);
    });
    dropZone.addEventListener('dragover', (e) => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = input.disabled ? 'none' : 'copy';
      dropZone.dataset.over = 'true';
    });
    dropZone.addEventListener('dragleave', () => delete dropZone.dataset.over);
    dropZone.addEventListener('drop', (e) => {
      e.preventDefault();
      delete dropZone.dataset.over;
      if (!input.disabled) this.#load([...(e.dataTransfer?.files ?? [])]);
    });
    const classNames = (committed) => dispatch({ type: Action.CLASS_NAMES, text: classInput.value, committed });
    classInput.addEventListener('input', () => classNames(false));
    classInput.addEventListener('change', () => classNames(true));
  }

  render(s) {
    const { dataOpen, dataNote } = fileControls(s);
    setDisabledKeepingFocus(this.input, !dataOpen);
    this.dropZone.toggleAttribute('data-disabled', !dataOpen);
    setText(this.note, dataNote);
    setText(this.classMessage, s.classNamesError);
    setHidden(this.classMessage, !s.classNamesError);
    setAttr(this.classInput, 'aria-invalid', String(Boolean(s.classNamesError)));
  }

  async #load(files) {
    if (files.length === 0) return;
    const fallback = document.querySelector('input[name=data-set]:checked')?.value ?? 'train';
    this.dispatch({ type: Action.DATA_CHOSEN, names: files.map((f) => f.name) });
    try {
      const decoded = [];
      for (const f of files) decoded.push({ name: f.name, bytes: await readFileBytes(f) });
      this.dispatch({ type: Action.DATA_READ, files: decoded, fallback });
    } catch (err) {
      this.dispatch({ type: Action.DATA_UNREADABLE, message: err?.message ?? String(err) });
    }
  }
}
