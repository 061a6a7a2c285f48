/** The service's config loader is THE config loader (src/config/load.ts): kept here under its old names for the server's importers. */
export { loadConfigOrThrow as loadServiceConfig, substituteEnv } from '../config/load.js';
