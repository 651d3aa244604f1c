// Every file result beside the control that started it: one slot per control group in the page
// (`[data-file-result=where]`, a role=status paragraph, so screen readers announce it), filled
// from the state's `fileResults[where]` (state/draft.js fileResult): an import or export that
// worked, or why it did not. Each result is a new object: a repeat of the same text is written
// anew, so it is announced again.
import { setAttr } from './dom.js';

export class FileResultsView {
  constructor() {
    this.slots = [...document.querySelectorAll('[data-file-result]')].map((el) => ({ el, where: el.dataset.fileResult, shown: undefined }));
  }

  render(s) {
    for (const slot of this.slots) {
      const result = s.fileResults[slot.where];
      if (result === slot.shown) continue;
      slot.shown = result;
      slot.el.replaceChildren(...(result ? [document.createTextNode(result.text)] : []));
      setAttr(slot.el, 'data-kind', result ? (result.ok ? 'ok' : 'error') : 'none');
      // A row of buttons can push the slot below the fold: the person who acted sees the answer.
      if (result) slot.el.scrollIntoView?.({ block: 'nearest' });
    }
  }
}
