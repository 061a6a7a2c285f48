/**
 * The figures of a report: for a period and an area, narrowed to what the caller (or a schedule's owner) may see.
 * Aggregates only — counts, durations, shares — never a plate, a face or a picture.
 */
import { reportData, type ReportArea, type ReportData } from '../../contract/reports.js';
import type { Store } from '../../store/store.js';
import { cameraArea } from '../cameras.js';
import { allowedCameraIds, type ScopeHolder } from '../scope.js';

export interface ReportRequest {
  readonly fromMs: number;
  readonly toMs: number;
  readonly area: ReportArea;
  readonly timeZone: string;
}

/** The cameras of the area that the scope lets one see, with their names (sorted by site, then name). */
async function areaCameras(store: Store, who: ScopeHolder, area: ReportArea): Promise<ReportData['cameras']> {
  const [cameras, sites, allowed] = await Promise.all([store.listCameras(), store.listSites(), allowedCameraIds(store, who)]);
  const siteById = new Map(sites.map((s) => [s.id, s]));
  const wanted = area.cameraIds ? new Set(area.cameraIds) : null;
  return cameras
    .filter((c) => allowed === null || allowed.has(c.id))
    .filter((c) => !wanted || wanted.has(c.id))
    .filter((c) => area.siteId === null || c.siteId === area.siteId)
    .filter((c) => area.district === null || cameraArea(c, siteById.get(c.siteId)).district === area.district)
    .map((c) => ({ id: c.id, name: c.name, siteName: siteById.get(c.siteId)?.name ?? c.siteId, district: cameraArea(c, siteById.get(c.siteId)).district }))
    .sort((a, b) => a.siteName.localeCompare(b.siteName, 'vi') || a.name.localeCompare(b.name, 'vi'));
}

function areaName(area: ReportArea, cameras: ReportData['cameras'], lang: 'vi' | 'en'): string {
  if (area.cameraIds) return cameras.length === 1 ? cameras[0]!.name : lang === 'vi' ? `${cameras.length} camera` : `${cameras.length} cameras`;
  if (area.siteId) return cameras[0]?.siteName ?? area.siteId;
  if (area.district) return area.district;
  return lang === 'vi' ? 'Toàn bộ camera' : 'All cameras';
}

export async function buildReport(store: Store, who: ScopeHolder, r: ReportRequest, lang: 'vi' | 'en', nowMs = Date.now()): Promise<ReportData> {
  const cameras = await areaCameras(store, who, r.area);
  const cameraIds = cameras.map((c) => c.id);
  const f = { fromMs: r.fromMs, toMs: r.toMs, cameraIds, timeZone: r.timeZone, step: 'hour' as const };
  const [violations, flow, alerts] = await Promise.all([store.violationStats(f), store.flowStats(f), store.alertStats(f)]);
  const uptime = r.fromMs < nowMs ? await store.uptimeStats(f, nowMs) : { fromMs: r.fromMs, toMs: r.fromMs, byCamera: [] };
  // Checked against the contract here: the PDF and the workbook are drawn from exactly what the API would answer.
  return reportData.parse({
    generatedAtMs: nowMs, fromMs: r.fromMs, toMs: r.toMs, timeZone: r.timeZone, area: r.area, areaName: areaName(r.area, cameras, lang), cameras,
    violations, flow, alerts, uptime,
  });
}
