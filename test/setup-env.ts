import { MODELS } from './assets.js';

// Tests find models in the shared assets unless told otherwise.
process.env.ARGUS_MODELS ??= MODELS;
