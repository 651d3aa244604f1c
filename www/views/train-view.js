// The Train card and the header's status: the status dot and words, Train / Pause / Reset (and
// Reset's confirmation dialog), the MNIST download and epoch meters, the stats grid, and the
// learning-rate readout beside the loss chart's title (it changes with the steps, like the stats).
// The settings fields inside the card are www/views/settings-view.js.
import { Action } from '../state.js';
import { downloadMeter, epochMeter, learningRateText, status, trainControls, trainStats, workersInfo } from '../ui-state.js';
import { byId, setAttr, setDisabled, setProgressBar, setText } from './dom.js';

export class TrainView {
  constructor(dispatch) {
    this.el = {
      status: byId('status'),
      statusText: byId('status-text'),
      train: byId('train'),
      pause: byId('pause'),
      reset: byId('reset'),
      dataLabel: byId('data-label'),
      dataBar: byId('data-progress'),
      dataText: byId('data-text'),
      epochBar: byId('epoch-progress'),
      epochText: byId('epoch-text'),
      imagesPerSec: byId('images-per-sec'),
      eta: byId('eta'),
      step: byId('step'),
      loss: byId('loss-now'),
      trainAccuracy: byId('train-acc'),
      learningRate: byId('lr-now'),
      workers: byId('workers-training'),
      workersNote: byId('workers-note'),
    };
    const { train, pause, reset } = this.el;
    // Enter in a settings field presses Train, when it can be pressed.
    byId('settings').addEventListener('submit', (e) => {
      e.preventDefault();
      if (!train.disabled) train.click();
    });
    train.addEventListener('click', () => dispatch({ type: Action.TRAIN }));
    pause.addEventListener('click', () => dispatch({ type: Action.PAUSE }));

    // Reset forgets the saved model too, so it asks first: an in-page <dialog> (modal, Escape and
    // Cancel close it, focus starts on Cancel) rather than window.confirm, which blocks the page.
    const dialog = byId('reset-dialog');
    const confirmed = () => dispatch({ type: Action.RESET });
    reset.addEventListener('click', () => {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else if (window.confirm('Reset the model? This forgets the model kept in this browser.')) confirmed();
    });
    byId('reset-cancel').addEventListener('click', () => dialog.close('cancel'));
    byId('reset-confirm').addEventListener('click', () => {
      dialog.close('reset');
      confirmed();
    });
  }

  render(s) {
    const el = this.el;
    const { state, text } = status(s);
    setAttr(el.status, 'data-state', state);
    setText(el.statusText, text);

    const controls = trainControls(s);
    setText(el.train, controls.train.label);
    setDisabled(el.train, controls.train.disabled);
    setDisabled(el.pause, controls.pause.disabled);
    setDisabled(el.reset, controls.reset.disabled);

    const data = downloadMeter(s);
    setProgressBar(el.dataBar, data.now, data.max, data.text);
    setAttr(el.dataBar, 'data-complete', String(data.done));
    setText(el.dataText, data.text);
    setText(el.dataLabel, data.label);

    const epoch = epochMeter(s);
    setProgressBar(el.epochBar, epoch.now, epoch.max, epoch.text);
    setText(el.epochText, epoch.text);

    const stats = trainStats(s);
    setText(el.imagesPerSec, stats.imagesPerSec);
    setText(el.eta, stats.eta);
    setText(el.step, stats.steps);
    setText(el.loss, stats.loss);
    setText(el.trainAccuracy, stats.trainAccuracy);
    setText(el.learningRate, learningRateText(s));
    const workers = workersInfo(s);
    setText(el.workers, workers.text);
    setAttr(el.workers, 'data-checksums', workers.checksums);
    setAttr(el.workers, 'data-memory', workers.memory);
    setText(el.workersNote, workers.note);
    el.workersNote.hidden = !workers.note;
  }
}
