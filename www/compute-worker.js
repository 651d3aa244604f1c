// A compute worker of data-parallel training (compute-core.js), started by the training worker's
// pool (worker-pool.js): the app's wasm package, instantiated from the module it is handed.
import { serve } from './compute-core.js';
import { instantiateBuild } from './wasm.js';

serve(instantiateBuild);
