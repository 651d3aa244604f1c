// The core's description of itself, as the worker's READY carries it: the settings `schema` and
// the `model`, read from the built wasm package in Node (tests/js/wasm-node.mjs; needs
// `bash scripts/build-wasm.sh`), so the page's tests run against the real thing, not a copy.
// (Not a test file: node --test only runs *.test.mjs.)
import { loadFacade } from './wasm-node.mjs';

const facade = await loadFacade();

export const SCHEMA = facade.settingsSchema();
export const MODEL = facade.modelDescription();
