/**
 * The import direction of DESIGN.md §3, enforced in CI:
 *   core ← config ← {video, vision, tracking, plates, rules, evidence, bus} ← pipeline ← store ← server ← cli
 * A module may import only from its own layer or the layers to its left. Never back up.
 * `bus` (the EventBus and BlobStore ports and their adapters) sits below `pipeline`, not beside `store` as DESIGN's
 * first picture had it: the camera runtime in src/pipeline/runtime writes to it (docs/adr/0004-camera-runtime.md).
 * It needs only core types.
 */
const layers = {
  core: [],
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
  server: ['core', 'config', 'video', 'vision', 'tracking', 'plates', 'rules', 'evidence', 'pipeline', 'store', 'bus'],
  cli: ['core', 'config', 'video', 'vision', 'tracking', 'plates', 'rules', 'evidence', 'pipeline', 'store', 'bus', 'server'],
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
