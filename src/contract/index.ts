/** The API contract, by feature (see common.ts). The web imports it as `@contract`. */
export * from './common.js';
export * from './labels.js';
export * from './users.js';
export * from './system.js';
export * from './cameras.js';
export * from './events.js';
export * from './violations.js';
export * from './plates.js';
export * from './alerts.js';
export * from './watchlists.js';
export * from './audit.js';
export * from './stats.js';
export * from './reports.js';
export * from './onvif.js';
export * from './sources.js';
export * from './incidents.js';
export * from './centres.js';
