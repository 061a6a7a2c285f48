/** What the dashboards load at once: the three /api/stats/* answers (src/contract/stats.ts), null where the role may not. */
import type { CongestionStats, FlowStats, ViolationStats } from '@contract';

export interface Stats { violations: ViolationStats | null; flow: FlowStats; congestion: CongestionStats | null }
