// The user's own IDX files in the worker: every file is parsed by a scratch Trainer first, and
// only when all are clean do they replace the loaded sets, so a bad file leaves the data
// already loaded (and the model) untouched.

const SET_WORDS = { train: 'training', test: 'test' };

/**
 * Checks `sets` (`{ train?|test?: { images: { name, bytes }, labels: { name, bytes } } }`) with
 * a scratch `new wasm.Trainer()`. Returns `{ order, names, trainFiles }`: the sets given, in
 * order, all the file names, and the training set's two (empty without one). Throws the first problem; a parse error keeps the core's `name` and gains the
 * file's name in its message.
 */
export function checkUserSets(wasm, sets) {
  const order = Object.keys(sets).filter((set) => set in SET_WORDS);
  if (order.length === 0) throw new Error('No training or test files were given.');
  const names = [];
  const scratch = new wasm.Trainer();
  try {
    for (const set of order) {
      for (const file of ['labels', 'images']) {
        const f = sets[set][file];
        if (!f) throw new Error(`The ${SET_WORDS[set]} ${file} file is missing.`);
        names.push(f.name);
        try {
          scratch.pushData(set, file, f.bytes);
          scratch.finishData(set, file);
        } catch (err) {
          err.message = `${f.name}: ${err.message}`;
          throw err;
        }
      }
    }
  } finally {
    scratch.free();
  }
  const trainFiles = sets.train ? [sets.train.labels.name, sets.train.images.name] : [];
  return { order, names, trainFiles };
}

/**
 * Replaces the sets in `order` of `trainer` with the files that `checkUserSets` passed. Returns
 * whether the training labels named another class count, so the core rebuilt the model.
 */
export function loadUserSets(trainer, sets, order) {
  let rebuilt = false;
  for (const set of order) {
    trainer.clearData(set);
    for (const file of ['labels', 'images']) {
      trainer.pushData(set, file, sets[set][file].bytes);
      rebuilt = trainer.finishData(set, file) || rebuilt;
    }
  }
  return rebuilt;
}
