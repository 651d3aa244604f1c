// The model card: the network's layers as the core describes them (READY's `model`: one row
// per layer with its output shape and parameters, and the total), and moving the model:
// Export (.weights, .safetensors, .keras, TF.js) and Import (.weights, .keras), which read or save the files.
import { Action } from '../state.js';
import { fileControls, shapeText } from '../ui-state.js';
import { formatInt } from '../format.js';
import { byId, make, setDisabled, setDisabledKeepingFocus, setText } from './dom.js';

export class ModelView {
  constructor(dispatch) {
    this.layers = byId('model-layers-body');
    this.total = byId('param-count');
    this.classes = byId('model-classes');
    this.exportWeights = byId('export-weights');
    this.exportSafetensors = byId('export-safetensors');
    this.exportKeras = byId('export-keras');
    this.exportTfjs = byId('export-tfjs');
    this.importInput = byId('import-weights');
    this.importLabel = byId('import-label');
    this.model = null;

    this.exportWeights.addEventListener('click', () => dispatch({ type: Action.EXPORT, format: 'weights' }));
    this.exportSafetensors.addEventListener('click', () => dispatch({ type: Action.EXPORT, format: 'safetensors' }));
    this.exportKeras.addEventListener('click', () => dispatch({ type: Action.EXPORT, format: 'keras' }));
    this.exportTfjs.addEventListener('click', () => dispatch({ type: Action.EXPORT, format: 'tfjs' }));
    this.importInput.addEventListener('change', async () => {
      const file = this.importInput.files?.[0];
      this.importInput.value = ''; // choosing the same file again fires a change
      if (file) await importModelFile(dispatch, file);
    });
  }

  render(s) {
    if (s.model && s.model !== this.model) this.#showLayers(s.model);
    const { modelIdle } = fileControls(s);
    setDisabled(this.exportWeights, !modelIdle);
    setDisabled(this.exportSafetensors, !modelIdle);
    setDisabled(this.exportKeras, !modelIdle);
    setDisabled(this.exportTfjs, !modelIdle);
    setDisabledKeepingFocus(this.importInput, !modelIdle); // while it imports; its result shows below it
    this.importLabel.toggleAttribute('data-disabled', !modelIdle);
  }

  /** One row per layer: its label, output shape (26×26×32) and parameter count; the total below. */
  #showLayers(model) {
    this.model = model;
    const rows = model.layers.map((layer) => {
      const tr = make('tr', {}, { 'data-layer': layer.name, 'data-kind': layer.kind });
      tr.append(
        make('th', { scope: 'row', textContent: layer.label }),
        make('td', { className: 'num', textContent: shapeText(layer.output) }),
        make('td', { className: layer.params ? 'num' : 'num muted', textContent: formatInt(layer.params) }),
      );
      return tr;
    });
    this.layers.replaceChildren(...rows);
    setText(this.total, formatInt(model.params));
    // The core's sizes: the input side and the class count (the training data's).
    const [side] = model.input;
    setText(this.classes, `${side}×${side} pixels in, ${model.classes} classes out.`);
  }
}

/** Reads a model file the user chose or dropped (.weights, .keras) and hands it to the import. */
export async function importModelFile(dispatch, file) {
  dispatch({ type: Action.IMPORT_CHOSEN, name: file.name });
  try {
    dispatch({ type: Action.IMPORT_READ, bytes: new Uint8Array(await file.arrayBuffer()) });
  } catch (err) {
    dispatch({ type: Action.IMPORT_UNREADABLE, message: err?.message ?? String(err) });
  }
}

/** Hands `bytes` to the browser as a download called `name`. */
export function saveFile(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = make('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
