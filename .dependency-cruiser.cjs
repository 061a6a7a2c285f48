/**
 * The import direction of DESIGN.md §3, enforced in CI:
 *   core ← config ← {video, vision, tracking, plates, rules, evidence, bus} ← pipeline ← store ← server ← cli
 * A module may import only from its own layer or the layers to its left. Never back up.
 * `bus` (the EventBus and BlobStore ports and their adapters) sits below `pipeline`, not beside `store` as DESIGN's
 * first picture had it: the camera runtime in src/pipeline/runtime writes to it (docs/adr/0004-camera-runtime.md).
 * It needs only core types.
 * `contract` (the API's response schemas, imported by web/ too) stands beside them: it imports only core and zod,
 * and only server and cli import it.
 */
const layers = {
  core: [],
  contract: ['core'],
  config: ['core'],
  video: ['core', 'config'],
  vision: ['core', 'config'],
  tracking: ['core', 'config'],
  plates: ['core', 'config'],
  rules: ['core', 'config'],
  evidence: ['core', 'config'],
  bus: ['core'],
  pipeline: ['core', 'config', 'video', 'vision', 'tracking', 'plates', 'rules', 'evidence', 'bus'],
  store: ['core', 'config', 'video', 'vision', 'tracking', 'plates', 'rules', 'evidence', 'bus', 'pipeline'],
  server: ['core', 'contract', 'config', 'video', 'vision', 'tracking', 'plates', 'rules', 'evidence', 'pipeline', 'store', 'bus'],
  cli: ['core', 'contract', 'config', 'video', 'vision', 'tracking', 'plates', 'rules', 'evidence', 'pipeline', 'store', 'bus', 'server'],
};
const all = Object.keys(layers);
const forbidden = Object.entries(layers).map(([layer, allowed]) => {
  const banned = all.filter((l) => l !== layer && !allowed.includes(l));
  return {
    name: `${layer}-import-direction`,
    comment: `src/${layer} may import only from: ${[layer, ...allowed].join(', ')}`,
    severity: 'error',
    from: { path: `^src/${layer}/` },
    to: { path: `^src/(${banned.join('|') || '__none__'})/` },
  };
});
forbidden.push({
  name: 'contract-for-the-browser',
  comment: 'src/contract is read by the web build: no Node built-ins, no package but zod (the web build, with no Node types, checks the core files it reaches)',
  severity: 'error',
  from: { path: '^src/contract/' },
  to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '(^|/)node_modules/zod/' },
});
forbidden.push({
  name: 'no-circular',
  severity: 'error',
  from: {},
  to: { circular: true },
});
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
