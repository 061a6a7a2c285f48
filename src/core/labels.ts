/**
 * THE names of the kinds Argus reports, Vietnamese first with English: violations (a short name for screens, and
 * the Decree 168/2024/NĐ-CP wording for notices and evidence), alerts, events, rule kinds, camera kinds and
 * severities. The evidence writer, the notice and the web (through src/contract) all read them here. Each table
 * is keyed by its full list of kinds, so a kind added without its name is a compile error.
 */
import type { EventKind } from './events.js';
import type { CameraKind, RuleKindName } from './kinds.js';
import type { AlertRecordKind, IncidentType, Severity, ViolationKind } from './violation.js';

/** A Vietnamese text with its English. */
export interface ViEn {
  readonly vi: string;
  readonly en: string;
}

export interface ViolationLabel extends ViEn {
  /** The legal wording (Decree 168/2024/NĐ-CP where one exists): notices, evidence stills and metadata. */
  readonly legal: ViEn;
}

export const VIOLATION_LABELS: { readonly [K in ViolationKind]: ViolationLabel } = {
  red_light: { vi: 'Vượt đèn đỏ', en: 'Red light', legal: { vi: 'Không chấp hành hiệu lệnh của đèn tín hiệu giao thông', en: 'Red-light running' } },
  amber_light: { vi: 'Vượt đèn vàng', en: 'Amber light', legal: { vi: 'Không chấp hành hiệu lệnh của đèn tín hiệu giao thông (đèn vàng)', en: 'Amber-light running' } },
  stop_line: { vi: 'Dừng quá vạch dừng', en: 'Over the stop line', legal: { vi: 'Dừng xe vượt quá vạch dừng khi đèn đỏ', en: 'Stop-line encroachment' } },
  wrong_way: { vi: 'Đi ngược chiều', en: 'Wrong way', legal: { vi: 'Đi ngược chiều', en: 'Wrong-way driving' } },
  wrong_lane: { vi: 'Sai làn đường', en: 'Wrong lane', legal: { vi: 'Không đi đúng phần đường, làn đường quy định', en: 'Wrong lane' } },
  prohibited_entry: { vi: 'Đi vào đường cấm', en: 'No-entry road', legal: { vi: 'Đi vào khu vực, đường có biển báo cấm', en: 'Prohibited entry' } },
  prohibited_turn: { vi: 'Rẽ nơi cấm rẽ', en: 'Prohibited turn', legal: { vi: 'Chuyển hướng tại nơi có biển báo cấm rẽ', en: 'Prohibited turn' } },
  speeding: { vi: 'Quá tốc độ', en: 'Speeding', legal: { vi: 'Điều khiển xe chạy quá tốc độ quy định', en: 'Speeding' } },
  section_speeding: { vi: 'Quá tốc độ trung bình', en: 'Section average speed', legal: { vi: 'Chạy quá tốc độ trung bình quy định trên đoạn đường', en: 'Section average speed' } },
  illegal_stopping: { vi: 'Dừng, đỗ sai quy định', en: 'Illegal stopping', legal: { vi: 'Dừng, đỗ xe không đúng nơi quy định', en: 'Illegal stopping/parking' } },
  too_many_riders: { vi: 'Chở quá số người', en: 'Too many riders', legal: { vi: 'Chở theo từ 02 người trở lên trên xe', en: 'Three or more riders on a motorbike' } },
};

export const ALERT_LABELS: { readonly [K in AlertRecordKind]: ViEn } = {
  congestion: { vi: 'Ùn tắc', en: 'Congestion' },
  crowd: { vi: 'Tụ tập đông người', en: 'Crowd' },
  accident: { vi: 'Tai nạn', en: 'Accident' },
  dwell: { vi: 'Dừng lâu trong vùng', en: 'Dwell in a zone' },
  signal_loss: { vi: 'Mất tín hiệu', en: 'Signal loss' },
  signal_restored: { vi: 'Có tín hiệu trở lại', en: 'Signal restored' },
  disk_full: { vi: 'Ổ lưu trữ sắp đầy', en: 'Storage full' },
  watchlist_hit: { vi: 'Trùng danh sách theo dõi', en: 'Watch-list hit' },
  face_match: { vi: 'Trùng khuôn mặt cần theo dõi', en: 'Face watch-list match' },
  incident: { vi: 'Sự cố hiện trường', en: 'Field incident' },
};

export const INCIDENT_LABELS: { readonly [K in IncidentType]: ViEn } = {
  accident: { vi: 'Tai nạn giao thông', en: 'Traffic accident' },
  fire: { vi: 'Cháy', en: 'Fire' },
  flood: { vi: 'Ngập úng', en: 'Flooding' },
  fight: { vi: 'Đánh nhau, gây rối', en: 'Fight, disorder' },
  crowd: { vi: 'Tụ tập đông người', en: 'Crowd' },
  road_damage: { vi: 'Hư hỏng đường', en: 'Road damage' },
  breakdown: { vi: 'Xe hỏng trên đường', en: 'Broken-down vehicle' },
  other: { vi: 'Khác', en: 'Other' },
};

export const EVENT_LABELS: { readonly [K in EventKind]: ViEn } = {
  'line.cross': { vi: 'Qua vạch', en: 'Line crossing' },
  'plate.read': { vi: 'Đọc biển số', en: 'Plate read' },
  violation: { vi: 'Vi phạm', en: 'Violation' },
  alert: { vi: 'Cảnh báo', en: 'Alert' },
  'zone.enter': { vi: 'Vào vùng', en: 'Zone entry' },
  'zone.exit': { vi: 'Ra khỏi vùng', en: 'Zone exit' },
  section_speed: { vi: 'Tốc độ trung bình đoạn đường', en: 'Section speed' },
  'face.seen': { vi: 'Khuôn mặt', en: 'Face' },
  'track.attributes': { vi: 'Đặc điểm đối tượng', en: 'Track attributes' },
};

export const RULE_LABELS: { readonly [K in RuleKindName]: ViEn } = {
  zone_dwell: { vi: 'Dừng lâu trong vùng', en: 'Zone dwell' },
  red_light: { vi: 'Vượt đèn đỏ', en: 'Red light' },
  stop_line: { vi: 'Vạch dừng', en: 'Stop line' },
  wrong_way: { vi: 'Đi ngược chiều', en: 'Wrong way' },
  wrong_lane: { vi: 'Sai làn đường', en: 'Wrong lane' },
  prohibited: { vi: 'Đường, hướng cấm', en: 'Prohibited road or turn' },
  speeding: { vi: 'Tốc độ (camera hiệu chuẩn)', en: 'Speeding (calibrated camera)' },
  speed_trap: { vi: 'Tốc độ (hai vạch)', en: 'Speed trap (two lines)' },
  illegal_stopping: { vi: 'Dừng, đỗ sai quy định', en: 'Illegal stopping' },
  congestion: { vi: 'Ùn tắc', en: 'Congestion' },
  crowd: { vi: 'Tụ tập đông người', en: 'Crowd' },
  accident: { vi: 'Tai nạn', en: 'Accident' },
  riders: { vi: 'Số người trên xe', en: 'Riders on a motorbike' },
};

export const CAMERA_KIND_LABELS: { readonly [K in CameraKind]: ViEn } = {
  security: { vi: 'An ninh trật tự', en: 'Public order' },
  intersection: { vi: 'Nút giao', en: 'Intersection' },
  gateway: { vi: 'Cổng ra vào', en: 'Gateway' },
  speed: { vi: 'Đo tốc độ', en: 'Speed point' },
  overview: { vi: 'Toàn cảnh', en: 'Overview' },
  face_crowd: { vi: 'Khuôn mặt, đám đông', en: 'Faces and crowds' },
  shared: { vi: 'Chia sẻ từ đơn vị khác', en: 'Shared by another agency' },
};

export const SEVERITY_LABELS: { readonly [K in Severity]: ViEn } = {
  info: { vi: 'Thông tin', en: 'Info' },
  warning: { vi: 'Cảnh báo', en: 'Warning' },
  critical: { vi: 'Khẩn cấp', en: 'Critical' },
};

/** Object classes the detector reports (counts by class, attribute search). */
export const CLASS_LABELS: Readonly<Record<string, ViEn>> = {
  car: { vi: 'Ô tô', en: 'Car' },
  motorcycle: { vi: 'Xe máy', en: 'Motorbike' },
  bus: { vi: 'Xe buýt', en: 'Bus' },
  truck: { vi: 'Xe tải', en: 'Truck' },
  bicycle: { vi: 'Xe đạp', en: 'Bicycle' },
  person: { vi: 'Người đi bộ', en: 'Pedestrian' },
  traffic_light: { vi: 'Đèn tín hiệu', en: 'Traffic light' },
};

/**
 * Every kind the API can name in a `kind` field, with its short name: violations, alerts, events, cameras and
 * severities (rule kinds apart: `red_light` names a rule and a violation alike). A key in two tables has one name.
 */
export const KIND_LABELS: Readonly<Record<string, ViEn>> = {
  ...CAMERA_KIND_LABELS, ...SEVERITY_LABELS, ...EVENT_LABELS, ...ALERT_LABELS, ...VIOLATION_LABELS,
};
