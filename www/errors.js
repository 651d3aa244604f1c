// The names the core gives its errors (`name` of every exception the wasm facade throws, and
// of every ERROR message the worker posts), keyed by kind. The core's table
// (`ERROR_NAMES` in src/error.rs, exported as `errorNames()`) is the source: this copy exists
// so the page can branch before wasm has loaded, and tests/js/facade.test.mjs checks that the
// two are equal. Branch on `err.name === ErrorName.diverged`, never on message text.

export const ErrorName = Object.freeze({
  argument: 'ArgumentError',
  badInput: 'BadInputError',
  dataFormat: 'DataFormatError',
  diverged: 'DivergedError',
  noData: 'NoDataError',
  settings: 'SettingsError',
  shape: 'ShapeError',
  weights: 'WeightsError',
});

/** `{ message, name, field? }` of anything thrown, for an ERROR message. */
export function describeError(err) {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error' };
  const out = { message: err.message, name: err.name };
  if (typeof err.field === 'string') out.field = err.field;
  return out;
}
