/** Vietnamese first, English one click away. */
import { CLASS_LABELS, KIND_LABELS, RULE_LABELS } from '@contract/labels';
import { createContext, useContext } from 'react';

export type Lang = 'vi' | 'en';

const vi = {
  appName: 'Argus – Trung tâm chỉ huy', signIn: 'Đăng nhập', username: 'Tên đăng nhập', password: 'Mật khẩu',
  signOut: 'Đăng xuất', badLogin: 'Sai tên đăng nhập hoặc mật khẩu', locked: 'Đăng nhập sai quá nhiều lần, hãy thử lại sau ít phút',
  expired: 'Phiên làm việc đã hết hạn, vui lòng đăng nhập lại', map: 'Bản đồ', alerts: 'Cảnh báo', violations: 'Vi phạm',
  plates: 'Tra cứu biển số', cameras: 'Camera', health: 'Trạng thái', fps: 'Khung hình/giây', recentEvents: 'Sự kiện gần đây',
  noEvents: 'Chưa có sự kiện', online: 'Trực tuyến', degraded: 'Suy giảm', offline: 'Mất tín hiệu', starting: 'Đang khởi động',
  disabled: 'Đã tắt', unknown: 'Không rõ', ack: 'Xác nhận đã xem', acked: 'Đã xem', live: 'Trực tiếp', liveOff: 'Mất kết nối trực tiếp',
  noAlerts: 'Không có cảnh báo', pending: 'Chờ duyệt', confirmed: 'Đã xác nhận', rejected: 'Đã bác bỏ', confirm: 'Xác nhận vi phạm',
  reject: 'Bác bỏ', reason: 'Lý do', reasonNeeded: 'Cần nhập lý do', noViolations: 'Không có vi phạm', measurements: 'Số đo',
  evidence: 'Chứng cứ', history: 'Lịch sử duyệt', shortcuts: 'Phím tắt: j/k chọn, c xác nhận, r bác bỏ', plate: 'Biển số',
  search: 'Tìm', mode: 'Kiểu tìm', exact: 'Chính xác', prefix: 'Tiền tố', wildcard: 'Ký tự đại diện (* ?)', fuzzy: 'Gần đúng',
  results: 'Kết quả', noResults: 'Không tìm thấy', trace: 'Hành trình', time: 'Thời gian', camera: 'Camera', kind: 'Loại',
  severity: 'Mức độ', status: 'Tình trạng', language: 'English', filterAll: 'Tất cả', confidence: 'Độ tin cậy', events: 'sự kiện',
  cameraList: 'Danh sách camera', open: 'Mở', route: 'Lộ trình', status_filter: 'Lọc theo tình trạng', statusLine: 'camera trực tuyến',
  error: 'Lỗi', area: 'Quận/huyện', wall: 'Màn hình camera', dashboard: 'Thống kê', reports: 'Báo cáo', requests: 'Yêu cầu chia sẻ', faces: 'Khuôn mặt', editor: 'Cấu hình camera', admin: 'Quản trị',
  sharedBy: 'Chia sẻ bởi', attributes: 'Tìm theo đặc điểm',
};
export type Key = keyof typeof vi;
const en: Record<Key, string> = {
  appName: 'Argus – Command centre', signIn: 'Sign in', username: 'Username', password: 'Password', signOut: 'Sign out',
  badLogin: 'Wrong username or password', locked: 'Too many sign-in attempts, try again in a few minutes', expired: 'Your session has expired, please sign in again',
  map: 'Map', alerts: 'Alerts', violations: 'Violations', plates: 'Plate search', cameras: 'Cameras', health: 'Health', fps: 'Frames/s',
  recentEvents: 'Recent events', noEvents: 'No events yet', online: 'Online', degraded: 'Degraded', offline: 'Signal lost', starting: 'Starting',
  disabled: 'Disabled', unknown: 'Unknown', ack: 'Acknowledge', acked: 'Acknowledged', live: 'Live', liveOff: 'Live feed disconnected',
  noAlerts: 'No alerts', pending: 'Pending', confirmed: 'Confirmed', rejected: 'Rejected', confirm: 'Confirm violation', reject: 'Reject',
  reason: 'Reason', reasonNeeded: 'A reason is required', noViolations: 'No violations', measurements: 'Measurements', evidence: 'Evidence',
  history: 'Review history', shortcuts: 'Shortcuts: j/k select, c confirm, r reject', plate: 'Plate', search: 'Search', mode: 'Match',
  exact: 'Exact', prefix: 'Prefix', wildcard: 'Wildcard (* ?)', fuzzy: 'Fuzzy', results: 'Results', noResults: 'Nothing found', trace: 'Trace',
  time: 'Time', camera: 'Camera', kind: 'Kind', severity: 'Severity', status: 'Status', language: 'Tiếng Việt', filterAll: 'All',
  confidence: 'Confidence', events: 'events', cameraList: 'Camera list', open: 'Open', route: 'Route', status_filter: 'Filter by status',
  statusLine: 'cameras online', error: 'Error', area: 'District', wall: 'Camera wall', dashboard: 'Dashboards', reports: 'Reports', requests: 'Sharing requests', faces: 'Faces', editor: 'Camera set-up', admin: 'Administration',
  sharedBy: 'Shared by', attributes: 'Attribute search',
};
const DICTS: Record<Lang, Record<Key, string>> = { vi, en };

/**
 * Names of the kinds the API serves (violations, alerts, events, cameras, severities): THE tables of src/core/labels.ts
 * through the contract, which cover every kind by type. A kind the service sends that has no name shows as it is.
 */
const kindName = (lang: Lang, k: string): string => KIND_LABELS[k]?.[lang] ?? k;
const className = (lang: Lang, k: string): string => CLASS_LABELS[k]?.[lang] ?? (lang === 'vi' ? 'Khác' : 'Other');
const ruleName = (lang: Lang, k: string): string => (RULE_LABELS as Readonly<Record<string, { vi: string; en: string }>>)[k]?.[lang] ?? k;

export interface I18n {
  /** A kind of event, alert, violation or camera (or a severity) in words; unknown kinds as they are. */
  kind(k: string): string;
  /** A rule kind of a camera's set-up in words (src/core/labels.ts); unknown kinds as they are. */
  rule(k: string): string;
  /** An object class (car, motorcycle, …) in words (src/core/labels.ts); an unknown class is "other". */
  cls(k: string): string;
  lang: Lang;
  t(key: Key): string;
  setLang(l: Lang): void;
  fmtTime(ms: number): string;
}

export function makeI18n(lang: Lang, setLang: (l: Lang) => void): I18n {
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Asia/Ho_Chi_Minh' });
  return { lang, setLang, t: (k) => DICTS[lang][k], kind: (k) => kindName(lang, k), rule: (k) => ruleName(lang, k), cls: (k) => className(lang, k), fmtTime: (ms) => fmt.format(new Date(ms)) };
}

export const I18nContext = createContext<I18n>(makeI18n('vi', () => undefined));
export const useI18n = (): I18n => useContext(I18nContext);

/** A page's own words, Vietnamese and English side by side, so each page keeps its strings beside its code. */
export type Dict<K extends string> = { vi: Record<K, string>; en: Record<K, string> };
export function defineDict<K extends string>(d: Dict<K>): Dict<K> {
  return d;
}
/** `const w = useDict(WORDS); w('title')`: the page's words in the current language. */
export function useDict<K extends string>(d: Dict<K>): (k: K) => string {
  const { lang } = useContext(I18nContext);
  return (k) => d[lang][k];
}
