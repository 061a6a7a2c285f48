/** Words of the camera set-up editor, Vietnamese first. */
import { defineDict } from '../../i18n';

export const WORDS = defineDict({
  vi: {
    configManaged: 'Camera này được khai báo trong tệp cấu hình: thay đổi ở đây có hiệu lực ngay nhưng sẽ bị tệp cấu hình ghi đè khi khởi động lại dịch vụ. Sửa cả trong tệp để giữ lâu dài.',
    title: 'Thiết lập camera', loading: 'Đang tải…', failed: 'Không tải được camera', noCamera: 'Chọn một camera để thiết lập:',
    tools: 'Công cụ vẽ', select: 'Chọn / kéo', line: 'Vạch (đếm, dừng)', zone: 'Vùng', lane: 'Làn đường', cal: 'Điểm hiệu chuẩn',
    canvas: 'Ảnh camera và hình vẽ. Mũi tên: dịch điểm đang chọn; Delete: xoá điểm; Esc: huỷ hình đang vẽ; Enter: đóng vùng',
    noPicture: 'Chưa lấy được ảnh camera – vẫn có thể vẽ trên khung trống',
    hintSelect: 'Bấm vào một điểm để chọn, kéo để di chuyển.', hintLine: 'Bấm hai điểm A và B của vạch.',
    hintZone: 'Bấm các đỉnh; Enter, bấm đúp hoặc bấm lại điểm đầu để đóng vùng.', hintLane: 'Bấm các đỉnh của làn; sau đó kéo mũi tên chỉ hướng đi.',
    hintCal: 'Bấm một điểm trên mặt đường, rồi nhập toạ độ mặt đất (mét) ở bên phải.',
    save: 'Lưu cấu hình', saving: 'Đang lưu…', saved: 'Đã lưu. Camera được khởi động lại với cấu hình mới (các camera khác không bị ảnh hưởng).',
    invalid: 'Máy chủ từ chối cấu hình:', unsaved: 'Có thay đổi chưa lưu', reload: 'Tải lại',
    lines: 'Vạch', zones: 'Vùng', lanes: 'Làn đường', calibration: 'Hiệu chuẩn mặt đất', rules: 'Luật', none: 'Chưa có',
    id: 'Mã', name: 'Tên', point: 'Điểm', remove: 'Xoá', classes: 'Phương tiện được phép', direction: 'Hướng đi',
    groundX: 'x (m)', groundY: 'y (m)', image: 'Ảnh', calHint: 'Cần ít nhất 4 điểm, không có 3 điểm thẳng hàng.',
    addRule: 'Thêm luật', ruleKind: 'Loại luật', add: 'Thêm', jsonBad: 'JSON không hợp lệ', selected: 'Đang chọn',
    plates: 'Đọc biển số', platesOff: 'Không đọc', platesTracks: 'Biển số của xe được phát hiện', platesAnpr: 'Camera ANPR: cả khung hình, không cần mô hình phát hiện xe, không có luật',
    platesHint: 'Biển số rộng dưới ~40 điểm ảnh hiếm khi đọc được: camera đọc biển được phân tích ở độ rộng 1280 nếu cấu hình không nói khác.',
  },
  en: {
    configManaged: 'This camera is defined in the config file: changes here apply at once, but the config file rewrites them when the service restarts. Change the file as well to keep them.',
    title: 'Camera set-up', loading: 'Loading…', failed: 'The camera could not be loaded', noCamera: 'Choose a camera to set up:',
    tools: 'Drawing tools', select: 'Select / drag', line: 'Line (count, stop)', zone: 'Zone', lane: 'Lane', cal: 'Calibration point',
    canvas: 'Camera picture and drawing. Arrows: nudge the selected point; Delete: remove it; Esc: drop the unfinished shape; Enter: close a zone',
    noPicture: 'No picture from the camera yet – you can still draw on the empty frame',
    hintSelect: 'Click a point to select it, drag to move it.', hintLine: 'Click the two ends A and B of the line.',
    hintZone: 'Click the corners; Enter, a double click or a click on the first point closes it.', hintLane: 'Click the corners of the lane, then drag the arrow to its travel direction.',
    hintCal: 'Click a point on the road, then type its ground position (metres) on the right.',
    save: 'Save set-up', saving: 'Saving…', saved: 'Saved. The camera restarted with the new set-up (other cameras are untouched).',
    invalid: 'The server refused the set-up:', unsaved: 'Unsaved changes', reload: 'Reload',
    lines: 'Lines', zones: 'Zones', lanes: 'Lanes', calibration: 'Ground calibration', rules: 'Rules', none: 'None yet',
    id: 'Id', name: 'Name', point: 'Point', remove: 'Remove', classes: 'Vehicles allowed', direction: 'Direction',
    groundX: 'x (m)', groundY: 'y (m)', image: 'Picture', calHint: 'At least 4 points, no 3 in a line.',
    addRule: 'Add rule', ruleKind: 'Rule kind', add: 'Add', jsonBad: 'Not valid JSON', selected: 'Selected',
    plates: 'Licence plates', platesOff: 'Not read', platesTracks: 'Plates of the detected vehicles', platesAnpr: 'ANPR camera: the whole picture, no vehicle detector, no rules',
    platesHint: 'Plates narrower than ~40 pixels are rarely legible: a plate camera is analysed 1280 pixels wide unless its set-up says otherwise.',
  },
});
export type Word = keyof typeof WORDS.vi;
