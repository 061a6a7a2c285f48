/** Road-user classes in words and chart colours (the classes of src/core/classes.ts; anything else is "other"). */
import { defineDict } from '../../i18n';

export type ClassKey = 'car' | 'motorcycle' | 'bus' | 'truck' | 'bicycle' | 'person' | 'other';

export const CLASS_WORDS = defineDict<ClassKey>({
  vi: { car: 'Ô tô', motorcycle: 'Xe máy', bus: 'Xe buýt', truck: 'Xe tải', bicycle: 'Xe đạp', person: 'Người đi bộ', other: 'Khác' },
  en: { car: 'Car', motorcycle: 'Motorbike', bus: 'Bus', truck: 'Truck', bicycle: 'Bicycle', person: 'Pedestrian', other: 'Other' },
});

/** Stacking order of the counts chart, with colours. */
export const CLASSES: ReadonlyArray<{ key: ClassKey; colour: string }> = [
  { key: 'motorcycle', colour: '#38bdf8' }, { key: 'car', colour: '#22c55e' }, { key: 'bus', colour: '#f59e0b' },
  { key: 'truck', colour: '#ef4444' }, { key: 'bicycle', colour: '#a78bfa' }, { key: 'person', colour: '#f472b6' }, { key: 'other', colour: '#9fb0cc' },
];

export const classOf = (cls: string): ClassKey => CLASSES.find((c) => c.key === cls)?.key ?? 'other';
