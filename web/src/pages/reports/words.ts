/** Words of the reports page, Vietnamese first. */
import { defineDict } from '../../i18n';

export const WORDS = defineDict({
  vi: {
    title: 'Báo cáo', intro: 'Báo cáo tổng hợp cho lãnh đạo: vi phạm, lưu lượng, cảnh báo và thời gian hoạt động của camera.',
    from: 'Từ ngày', to: 'Đến hết ngày', area: 'Khu vực', all: 'Toàn bộ camera', lang: 'Ngôn ngữ báo cáo', show: 'Xem báo cáo',
    pdf: 'Tải PDF', xlsx: 'Tải Excel', loading: 'Đang lập báo cáo…', failed: 'Không lập được báo cáo',
    violations: 'Vi phạm', vehicles: 'Lượt phương tiện', alertsHandled: 'Cảnh báo đã xử lý', uptime: 'Thời gian hoạt động TB', upShare: 'Hoạt động',
    byKind: 'Vi phạm theo loại', byClass: 'Lưu lượng theo loại phương tiện', alerts: 'Cảnh báo', cameraUptime: 'Thời gian hoạt động của camera',
    kind: 'Loại', pending: 'Chờ duyệt', confirmed: 'Đã xác nhận', rejected: 'Đã loại', total: 'Tổng', raised: 'Phát sinh', handled: 'Đã xử lý',
    response: 'Thời gian phản hồi (trung vị / 90 %)', camera: 'Camera', outages: 'Mất tín hiệu', cases: 'Số vụ', cls: 'Loại phương tiện',
    schedules: 'Báo cáo định kỳ', name: 'Tên', period: 'Chu kỳ', daily: 'Hằng ngày', weekly: 'Hằng tuần', formats: 'Định dạng',
    add: 'Thêm lịch', remove: 'Xóa', next: 'Lần lập tới', kept: 'Báo cáo đã lập', download: 'Tải về', none: 'Chưa có',
    table: 'Bảng số liệu', empty: 'Không có số liệu trong kỳ', highest: 'Cao nhất',
  },
  en: {
    title: 'Reports', intro: 'Summary reports for leaders: violations, traffic, alerts and camera uptime.',
    from: 'From', to: 'To (end of day)', area: 'Area', all: 'All cameras', lang: 'Report language', show: 'Show report',
    pdf: 'Download PDF', xlsx: 'Download Excel', loading: 'Making the report…', failed: 'The report could not be made',
    violations: 'Violations', vehicles: 'Vehicles counted', alertsHandled: 'Alerts handled', uptime: 'Average uptime', upShare: 'Uptime',
    byKind: 'Violations by kind', byClass: 'Traffic by vehicle class', alerts: 'Alerts', cameraUptime: 'Camera uptime',
    kind: 'Kind', pending: 'Pending', confirmed: 'Confirmed', rejected: 'Rejected', total: 'Total', raised: 'Raised', handled: 'Handled',
    response: 'Response time (median / 90 %)', camera: 'Camera', outages: 'Outages', cases: 'Cases', cls: 'Vehicle class',
    schedules: 'Scheduled reports', name: 'Name', period: 'Every', daily: 'Day', weekly: 'Week', formats: 'Formats',
    add: 'Add schedule', remove: 'Remove', next: 'Next report', kept: 'Reports made', download: 'Download', none: 'None yet',
    table: 'Data table', empty: 'No data in the period', highest: 'Highest',
  },
});
export type Word = keyof typeof WORDS.vi;
