/**
 * Legal basis of each violation kind under Decree 168/2024/NĐ-CP (in force 1 January 2025), by vehicle group:
 * Điều 6 — ô tô (cars, buses, trucks); Điều 7 — xe mô tô, xe gắn máy (motorbikes); Điều 9 — xe đạp, xe thô sơ.
 *
 * Sources: the decree's text as published on vanban.chinhphu.vn and the Ministry of Public Security's summaries
 * of common traffic offences (Jan 2025). The article per vehicle group is certain; the clause/point (khoản/điểm)
 * entries were transcribed from those summaries and are NOT yet checked against the gazette text by a legal
 * officer — every notice therefore says the basis is proposed by the system and checked by the officer who signs.
 * Speeding depends on the excess (km/h over the limit), so it is a function of the measurement.
 */

export type VehicleGroup = 'car' | 'motorbike' | 'bicycle';

export interface LegalBasis {
  /** e.g. "Điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP" (or the article alone when the clause is not known). */
  readonly citation: string;
  /** Fine range in VND as the decree states it, when known. */
  readonly fineVnd: string | null;
}

const DECREE = 'Nghị định 168/2024/NĐ-CP';
const ARTICLE: Readonly<Record<VehicleGroup, number>> = { car: 6, motorbike: 7, bicycle: 9 };

type Clause = { readonly point: string; readonly clause: number; readonly fineVnd: string };

const TABLE: Readonly<Record<string, Partial<Record<VehicleGroup, Clause>>>> = {
  red_light: { car: { point: 'b', clause: 9, fineVnd: '18.000.000 – 20.000.000' }, motorbike: { point: 'c', clause: 7, fineVnd: '4.000.000 – 6.000.000' } },
  amber_light: { car: { point: 'b', clause: 9, fineVnd: '18.000.000 – 20.000.000' }, motorbike: { point: 'c', clause: 7, fineVnd: '4.000.000 – 6.000.000' } },
  wrong_way: { car: { point: 'd', clause: 9, fineVnd: '18.000.000 – 20.000.000' }, motorbike: { point: 'a', clause: 7, fineVnd: '4.000.000 – 6.000.000' } },
};

/** Speeding: [excess km/h upper bound, point, clause, fine] per group. */
const SPEEDING: Readonly<Record<'car' | 'motorbike', readonly (readonly [number, string, number, string])[]>> = {
  car: [[10, 'a', 4, '800.000 – 1.000.000'], [20, 'đ', 5, '4.000.000 – 6.000.000'], [35, 'a', 6, '6.000.000 – 8.000.000'], [Infinity, 'a', 7, '12.000.000 – 14.000.000']],
  motorbike: [[10, 'a', 2, '400.000 – 600.000'], [20, 'a', 4, '800.000 – 1.000.000'], [Infinity, 'a', 8, '6.000.000 – 8.000.000']],
};

export function vehicleGroup(cls: string | undefined): VehicleGroup {
  if (cls === 'motorcycle') return 'motorbike';
  if (cls === 'bicycle') return 'bicycle';
  return 'car';
}

const cite = (c: Clause, group: VehicleGroup): LegalBasis => ({ citation: `Điểm ${c.point} khoản ${c.clause} Điều ${ARTICLE[group]} ${DECREE}`, fineVnd: c.fineVnd });

/** The legal basis of a violation kind for a vehicle class (`speedKmh`/`limitKmh` for speeding). */
export function legalBasis(kind: string, cls: string | undefined, m: { speedKmh?: number; limitKmh?: number } = {}): LegalBasis {
  const group = vehicleGroup(cls);
  const k = kind.replace(/^violation[._]/, '');
  if ((k === 'speeding' || k === 'section_speeding') && group !== 'bicycle' && m.speedKmh !== undefined && m.limitKmh !== undefined) {
    const excess = m.speedKmh - m.limitKmh;
    const row = SPEEDING[group].find(([upTo]) => excess < upTo);
    if (excess >= 5 && row) return cite({ point: row[1], clause: row[2], fineVnd: row[3] }, group);
  }
  const c = TABLE[k]?.[group];
  if (c) return cite(c, group);
  return { citation: `Điều ${ARTICLE[group]} ${DECREE}`, fineVnd: null };
}
