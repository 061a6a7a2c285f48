/** The words of a report, Vietnamese and English, and how its numbers and times are written. */
import { ALERT_LABELS, CLASS_LABELS, VIOLATION_LABELS, type ViEn } from '../../core/labels.js';
import type { ReportLang } from '../../contract/reports.js';

export const REPORT_WORDS = {
  title: { vi: 'BÁO CÁO TỔNG HỢP AN NINH TRẬT TỰ GIAO THÔNG', en: 'TRAFFIC AND PUBLIC ORDER SUMMARY REPORT' },
  area: { vi: 'Khu vực', en: 'Area' },
  period: { vi: 'Thời gian', en: 'Period' },
  generated: { vi: 'Lập lúc', en: 'Generated' },
  cameras: { vi: 'Số camera', en: 'Cameras' },
  summary: { vi: 'Tổng quan', en: 'Summary' },
  violations: { vi: 'Vi phạm', en: 'Violations' },
  vehicles: { vi: 'Lượt phương tiện', en: 'Vehicles counted' },
  alertsHandled: { vi: 'Cảnh báo đã xử lý', en: 'Alerts handled' },
  uptimeAvg: { vi: 'Thời gian hoạt động TB', en: 'Average uptime' },
  s1: { vi: '1. Vi phạm theo loại và trạng thái xử lý', en: '1. Violations by kind and status' },
  s2: { vi: '2. Lưu lượng phương tiện theo loại và theo giờ', en: '2. Traffic by class and hour' },
  s3: { vi: '3. Cảnh báo và thời gian phản hồi', en: '3. Alerts and response times' },
  s4: { vi: '4. Thời gian hoạt động của camera', en: '4. Camera uptime' },
  kind: { vi: 'Loại', en: 'Kind' },
  cls: { vi: 'Loại phương tiện', en: 'Class' },
  hour: { vi: 'Giờ', en: 'Hour' },
  total: { vi: 'Tổng', en: 'Total' },
  pending: { vi: 'Chờ duyệt', en: 'Pending' },
  confirmed: { vi: 'Đã xác nhận', en: 'Confirmed' },
  rejected: { vi: 'Đã loại', en: 'Rejected' },
  raised: { vi: 'Phát sinh', en: 'Raised' },
  acknowledged: { vi: 'Đã xử lý', en: 'Handled' },
  responseTime: { vi: 'Thời gian phản hồi', en: 'Response time' },
  median: { vi: 'trung vị', en: 'median' },
  p90: { vi: '90 % trong vòng', en: '90 % within' },
  longest: { vi: 'lâu nhất', en: 'longest' },
  camera: { vi: 'Camera', en: 'Camera' },
  site: { vi: 'Địa điểm', en: 'Site' },
  uptime: { vi: 'Hoạt động', en: 'Uptime' },
  outages: { vi: 'Số lần mất tín hiệu', en: 'Outages' },
  downtime: { vi: 'Thời gian mất tín hiệu', en: 'Downtime' },
  none: { vi: 'Không có dữ liệu trong kỳ.', en: 'No data in the period.' },
  page: { vi: 'Trang', en: 'Page' },
  footer: { vi: 'Argus — số liệu tổng hợp, không chứa biển số hay hình ảnh cá nhân', en: 'Argus — aggregate figures, no plates or personal images' },
  sheetSummary: { vi: 'Tổng quan', en: 'Summary' },
  sheetViolations: { vi: 'Vi phạm', en: 'Violations' },
  sheetFlow: { vi: 'Lưu lượng', en: 'Traffic' },
  sheetAlerts: { vi: 'Cảnh báo', en: 'Alerts' },
  sheetUptime: { vi: 'Camera', en: 'Uptime' },
} satisfies Record<string, ViEn>;

export type ReportWord = keyof typeof REPORT_WORDS;

export const word = (lang: ReportLang, w: ReportWord): string => REPORT_WORDS[w][lang];

const labelOf = (table: Readonly<Record<string, ViEn>>, key: string, lang: ReportLang): string => table[key]?.[lang] ?? key;
export const violationName = (kind: string, lang: ReportLang): string => labelOf(VIOLATION_LABELS, kind, lang);
export const alertName = (kind: string, lang: ReportLang): string => labelOf(ALERT_LABELS, kind, lang);
export const className = (cls: string, lang: ReportLang): string => labelOf(CLASS_LABELS, cls, lang);

export const number = (n: number, lang: ReportLang): string => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
export const percent = (x: number, lang: ReportLang): string => `${(x * 100).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} %`;

export function duration(ms: number, lang: ReportLang): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return lang === 'vi' ? `${m} phút` : `${m} min`;
  const h = Math.floor(m / 60);
  return lang === 'vi' ? `${h} giờ ${m % 60} phút` : `${h} h ${m % 60} min`;
}

export function dateTime(ms: number, timeZone: string, lang: ReportLang): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(ms);
}
