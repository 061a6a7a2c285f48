/** Words of the dashboards, Vietnamese first. */
import { defineDict } from '../../i18n';

export const WORDS = defineDict({
  vi: {
    title: 'Thống kê', range: 'Khoảng thời gian', today: 'Hôm nay', '7d': '7 ngày', '30d': '30 ngày', updated: 'Cập nhật lúc', loading: 'Đang tải…',
    failed: 'Không tải được số liệu', violations: 'Vi phạm', flow: 'Lưu lượng phương tiện', congestion: 'Ùn tắc giao thông',
    totalViolations: 'Vi phạm', totalVehicles: 'Lượt phương tiện', totalCongestion: 'Cảnh báo ùn tắc',
    byKind: 'Vi phạm theo loại', byHour: 'Vi phạm theo giờ trong ngày', byPlace: 'Vi phạm theo địa điểm (camera)',
    flowByCamera: 'Lưu lượng theo camera và chiều', flowOverTime: 'Lưu lượng theo thời gian', flowByClass: 'Lưu lượng theo loại phương tiện',
    congestionOverTime: 'Cảnh báo ùn tắc theo thời gian', congestionByCamera: 'Cảnh báo ùn tắc theo camera',
    kind: 'Loại vi phạm', hourOfDay: 'Giờ trong ngày', camera: 'Camera', cameraDirection: 'Camera · chiều', vehicleClass: 'Loại phương tiện',
    hour: 'Giờ', day: 'Ngày', cases: 'Số vụ', vehicles: 'Lượt xe', alerts: 'Số cảnh báo', table: 'Bảng số liệu', empty: 'Không có số liệu trong khoảng này',
    highest: 'Cao nhất', maxLevel: 'mức cao nhất', pos: 'chiều +', neg: 'chiều −', noAccess: 'Vai trò của bạn không xem được mục này.',
  },
  en: {
    title: 'Dashboards', range: 'Time range', today: 'Today', '7d': '7 days', '30d': '30 days', updated: 'Updated at', loading: 'Loading…',
    failed: 'The figures could not be loaded', violations: 'Violations', flow: 'Traffic flow', congestion: 'Congestion',
    totalViolations: 'Violations', totalVehicles: 'Vehicles counted', totalCongestion: 'Congestion alerts',
    byKind: 'Violations by kind', byHour: 'Violations by hour of day', byPlace: 'Violations by place (camera)',
    flowByCamera: 'Flow by camera and direction', flowOverTime: 'Flow over time', flowByClass: 'Flow by vehicle class',
    congestionOverTime: 'Congestion alerts over time', congestionByCamera: 'Congestion alerts by camera',
    kind: 'Kind', hourOfDay: 'Hour of day', camera: 'Camera', cameraDirection: 'Camera · direction', vehicleClass: 'Vehicle class',
    hour: 'Hour', day: 'Day', cases: 'Cases', vehicles: 'Vehicles', alerts: 'Alerts', table: 'Data table', empty: 'No data in this range',
    highest: 'Highest', maxLevel: 'highest level', pos: 'direction +', neg: 'direction −', noAccess: 'Your role may not see this section.',
  },
});
export type Word = keyof typeof WORDS.vi;
