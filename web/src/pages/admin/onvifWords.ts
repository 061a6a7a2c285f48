/** Words of the camera administration and the ONVIF dialog, Vietnamese first. */
import { defineDict } from '../../i18n';

export const ONVIF_WORDS = defineDict({
  vi: {
    cameras: 'Danh sách camera', noCameras: 'Chưa có camera', id: 'Mã', name: 'Tên', site: 'Điểm/khu vực', source: 'Nguồn', health: 'Tình trạng',
    addFromNetwork: 'Thêm từ mạng (ONVIF)', dialogTitle: 'Thêm camera tìm thấy trên mạng (ONVIF)', close: 'Đóng',
    step1: '1. Tìm camera trên mạng', scan: 'Quét mạng', scanning: 'Đang quét…', found: 'camera trả lời', noneFound: 'Không có camera ONVIF nào trả lời. Có thể nhập địa chỉ camera bên dưới.',
    choose: 'Chọn', outside: 'ngoài dải mạng camera cho phép',
    step2: '2. Đăng nhập camera', address: 'Địa chỉ camera hoặc URL dịch vụ thiết bị', username: 'Tên đăng nhập camera', password: 'Mật khẩu camera',
    passwordHint: 'Mật khẩu được lưu trong nguồn camera như các camera khác và luôn hiển thị ẩn (***).', read: 'Đọc cấu hình camera', reading: 'Đang đọc…',
    step3: '3. Chọn luồng và lưu', device: 'Thiết bị', profiles: 'Luồng video (profile)', profile: 'Luồng', encoding: 'Mã hoá', resolution: 'Độ phân giải', fps: 'Khung hình/giây', ptz: 'PTZ',
    noUri: 'không có địa chỉ RTSP', presets: 'Điểm đặt trước PTZ', noPresets: 'Camera không có điểm đặt trước',
    cameraId: 'Mã camera', cameraName: 'Tên camera', kind: 'Loại camera', lat: 'Vĩ độ', lng: 'Kinh độ', add: 'Thêm camera', adding: 'Đang thêm…',
    added: 'Đã thêm camera', pickProfile: 'Chọn một luồng có địa chỉ RTSP', yes: 'có', no: 'không',
  },
  en: {
    cameras: 'Cameras', noCameras: 'No cameras yet', id: 'Id', name: 'Name', site: 'Site', source: 'Source', health: 'Health',
    addFromNetwork: 'Add from network (ONVIF)', dialogTitle: 'Add a camera found on the network (ONVIF)', close: 'Close',
    step1: '1. Find cameras on the network', scan: 'Scan the network', scanning: 'Scanning…', found: 'cameras answered', noneFound: 'No ONVIF camera answered. You can type the camera address below.',
    choose: 'Choose', outside: 'outside the allowed camera networks',
    step2: '2. Sign in to the camera', address: 'Camera address or device service URL', username: 'Camera user name', password: 'Camera password',
    passwordHint: "The password is kept in the camera's source like any other camera's and always shown masked (***).", read: 'Read camera profiles', reading: 'Reading…',
    step3: '3. Choose a stream and save', device: 'Device', profiles: 'Video streams (profiles)', profile: 'Stream', encoding: 'Encoding', resolution: 'Resolution', fps: 'Frames/s', ptz: 'PTZ',
    noUri: 'no RTSP address', presets: 'PTZ presets', noPresets: 'The camera has no presets',
    cameraId: 'Camera id', cameraName: 'Camera name', kind: 'Camera kind', lat: 'Latitude', lng: 'Longitude', add: 'Add camera', adding: 'Adding…',
    added: 'Camera added', pickProfile: 'Choose a stream that has an RTSP address', yes: 'yes', no: 'no',
  },
});
