/** Answers of /api/stats/* (see src/server/routes/stats.ts). */
export interface SeriesPoint { startMs: number; n: number }
interface Common { timeZone: string; step: 'hour' | 'day'; from: number | null; to: number | null; total: number; byHour: number[]; series: SeriesPoint[] }
export interface ViolationStats extends Common {
  byKind: Array<{ kind: string; n: number }>;
  byCamera: Array<{ cameraId: string; n: number }>;
  byStatus: Array<{ status: string; n: number }>;
}
export interface FlowStats extends Common {
  byCameraDirection: Array<{ cameraId: string; direction: string; n: number }>;
  byClass: Array<{ cls: string; n: number }>;
}
export interface CongestionStats extends Common {
  byCamera: Array<{ cameraId: string; n: number; maxLevel: number | null }>;
  byLevel: Array<{ level: number; n: number }>;
}
export interface Stats { violations: ViolationStats | null; flow: FlowStats; congestion: CongestionStats | null }
