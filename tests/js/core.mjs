// The core's description of itself, as the worker's READY carries it: the settings `schema` and
// the `model`, read from the built wasm package in Node (tests/js/wasm-node.mjs; needs
// `bash scripts/build-wasm.sh`), so the page's tests run against the real thing, not a copy.
// (Not a test file: node --test only runs *.test.mjs.)
import * as P from '../../www/protocol.js';
import { loadFacade } from './wasm-node.mjs';

const facade = await loadFacade();

export const SCHEMA = facade.settingsSchema();
export const MODEL = facade.modelDescription();

/**
 * A PROGRESS message as main.js dispatches it (stamped `at`): one slice of two batches of 32,
 * step 2 of 100 in the first of 3 epochs, with `losses`/`accuracies` per batch, then `over`.
 */
export function progressMessage(over = {}, { losses = [2.3, 2.1], accuracies = [0.1, 0.2] } = {}) {
  const [message] = P.progress({
    losses: Float32Array.from(losses),
    accuracies: Float32Array.from(accuracies),
    firstStep: 0,
    images: 64,
    ms: 40,
    epoch: 0,
    epochInRun: 0,
    epochsInRun: 3,
    stepInEpoch: 2,
    stepsPerEpoch: 100,
    batchSize: 32,
    learningRate: 0.002,
  });
  return { ...message, at: 1000, ...over };
}
