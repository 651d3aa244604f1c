// The "Your own data" card: IDX files chosen or dropped (read and gunzipped here, sorted into
// sets by www/state.js; a model file dropped here goes to the model's import instead),
// which set unnamed files go to, the class names field and the note
// saying what data is in use.
import { Action } from '../state.js';
import { fileControls } from '../ui-state.js';
import { isModelFile, readFileBytes } from '../user-files.js';
import { importModelFile } from './model-view.js';
import { byId, setAttr, setDisabled, setDisabledKeepingFocus, setHidden, setText } from './dom.js';

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
      const files = [...(e.dataTransfer?.files ?? [])];
      // A model dropped here (a .keras from Keras, a .weights) goes to the model import.
      if (files.length === 1 && isModelFile(files[0].name)) {
        if (this.modelIdle) importModelFile(dispatch, files[0]);
      } else if (!input.disabled) this.#load(files);
    });
    const classNames = (committed) => dispatch({ type: Action.CLASS_NAMES, text: classInput.value, committed });
    classInput.addEventListener('input', () => classNames(false));
    classInput.addEventListener('change', () => classNames(true));
  }

  render(s) {
    const { dataOpen, dataNote, modelIdle } = fileControls(s);
    this.modelIdle = modelIdle;
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
