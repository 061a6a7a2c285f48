/**
 * A monitoring centre's alert filter applied to an alert, pure and free of imports (the alerts page; the root test
 * test/web-alert-filter.test.ts reads it too). The shapes are those of the contract's AlertFilter and Alert.
 */
export interface FilterRule {
  readonly kinds: readonly string[];
  readonly minSeverity: string;
  readonly cameraIds: readonly string[];
  readonly districts: readonly string[];
}

/** Severities from the lowest (the order of SEVERITIES in src/core/violation.ts). */
const ORDER = ['info', 'warning', 'critical'];
const rank = (s: string): number => ORDER.indexOf(s);

/** Whether an alert passes a filter (no filter: every alert); `districtOf` gives a camera's district (null: unknown). */
export function passes(f: FilterRule | undefined, a: { readonly kind: string; readonly severity: string; readonly cameraId: string | null }, districtOf: (cameraId: string) => string | null): boolean {
  if (!f) return true;
  if (f.kinds.length > 0 && !f.kinds.includes(a.kind)) return false;
  if (rank(a.severity) < rank(f.minSeverity)) return false;
  if (f.cameraIds.length > 0 && (a.cameraId === null || !f.cameraIds.includes(a.cameraId))) return false;
  if (f.districts.length > 0) {
    const d = a.cameraId === null ? null : districtOf(a.cameraId);
    if (d === null || !f.districts.includes(d)) return false;
  }
  return true;
}
