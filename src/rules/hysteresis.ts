/**
 * A debounced boolean: the raw condition must hold for `onAfterMs` to switch on and fail for `offAfterMs`
 * to switch off. `sinceMs` is when the current state's raw condition first held (for dwell times).
 */
export interface Debounced {
  readonly on: boolean;
  /** When the raw condition last started to differ from `on`, or undefined while it agrees. */
  readonly pendingSinceMs?: number;
  /** When the current `on` state's condition began (set on switching). */
  readonly sinceMs?: number;
}

export const OFF: Debounced = { on: false };

export function debounce(d: Debounced, raw: boolean, nowMs: number, onAfterMs: number, offAfterMs: number): { next: Debounced; changed: boolean } {
  if (raw === d.on) return { next: d.pendingSinceMs === undefined ? d : withoutPending(d), changed: false };
  const pending = d.pendingSinceMs ?? nowMs;
  if (nowMs - pending >= (raw ? onAfterMs : offAfterMs)) return { next: { on: raw, sinceMs: pending }, changed: true };
  return { next: d.pendingSinceMs === undefined ? { ...d, pendingSinceMs: pending } : d, changed: false };
}

const withoutPending = (d: Debounced): Debounced => (d.sinceMs === undefined ? { on: d.on } : { on: d.on, sinceMs: d.sinceMs });
