/**
 * What the vehicle says about its plate. Where the pipeline knows the vehicle (a tracked `motorcycle`, `car`, `bus` or
 * `truck`), a reading whose layout that kind of vehicle does not carry is unlikely, and the rescoring counts that:
 * - a motorbike carries a two-line plate whose series is a letter and a digit (`59-U1 123.45`) or two letters
 *   (`77-AE 096.20`, the newer series); a one-letter series (`77A 036.23`) or a one-line plate is a car's;
 * - a car, bus or truck carries a series of letters only (`30A`, `51LD`), on a one-line or a square two-line plate; a
 *   series with a digit (`77-L2`) is a motorbike's.
 *
 * A soft prior, not a rule: a detector's class can be wrong (a tricycle, a car seen as a truck), and the recognisers
 * can still outvote it. Measured on the CCTV crops (`vn_plates_cctv_dinhlong04`), with the vehicle kind that each
 * file name records (`cls1`/`moto` 154 crops, `cls2`/`car` 72, 5 others): the rescoring with this prior reads 134 of
 * 231 exactly against 130 without (−1 and −2 read 132, −3 134, −4 133, −6 134); no plate read right without it is read
 * wrong with it. The labelled sets give the vehicle in an optional `vehicle` column (`argus plates eval`).
 */
import type { VehicleClass } from '../core/classes.js';
import { parsePlate } from './format.js';

/** Log prior (nats) of a plate layout the vehicle does not carry. */
export const VEHICLE_PRIOR = -3;

/** The vehicle kinds whose plates the prior knows (bicycles carry none). */
export const PLATE_VEHICLES: readonly VehicleClass[] = ['motorcycle', 'car', 'bus', 'truck'];

/**
 * The vehicle prior of a civil plate read as `lines`: 0 where the vehicle carries such a plate (or the vehicle is
 * unknown, or the plate is not civil), VEHICLE_PRIOR where it does not.
 */
export function vehiclePrior(key: string, lines: readonly string[], vehicle: VehicleClass | undefined): number {
  if (vehicle === undefined || !PLATE_VEHICLES.includes(vehicle)) return 0;
  const parts = parsePlate(key, lines);
  if (!parts || parts.kind !== 'civil') return 0;
  const motorbikeSeries = parts.series.length === 2;
  if (vehicle === 'motorcycle') return lines.length === 2 && motorbikeSeries ? 0 : VEHICLE_PRIOR;
  return /\d/.test(parts.series) ? VEHICLE_PRIOR : 0;
}
