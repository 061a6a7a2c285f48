/** Road-user classes and their chart colours (the classes of src/core/classes.ts; anything else is "other"). Their names: `useI18n().cls`. */
export type ClassKey = 'car' | 'motorcycle' | 'bus' | 'truck' | 'bicycle' | 'person' | 'other';

/** Stacking order of the counts chart, with colours. */
export const CLASSES: ReadonlyArray<{ key: ClassKey; colour: string }> = [
  { key: 'motorcycle', colour: '#38bdf8' }, { key: 'car', colour: '#22c55e' }, { key: 'bus', colour: '#f59e0b' },
  { key: 'truck', colour: '#ef4444' }, { key: 'bicycle', colour: '#a78bfa' }, { key: 'person', colour: '#f472b6' }, { key: 'other', colour: '#9fb0cc' },
];

export const classOf = (cls: string): ClassKey => CLASSES.find((c) => c.key === cls)?.key ?? 'other';
