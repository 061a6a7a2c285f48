/** Words of the evidence viewer on the violation review page, Vietnamese first. */
import { defineDict } from '../../i18n';

export const WORDS = defineDict({
  vi: {
    loading: 'Đang tải chứng cứ…', noEvidence: 'Vi phạm này chưa có chứng cứ.',
    packageMissing: 'Không tìm thấy tệp của gói chứng cứ trên máy chủ (có thể đã bị xoá hoặc di chuyển).',
    badManifest: 'Tệp manifest.json của gói chứng cứ không hợp lệ.', loadFailed: 'Không tải được gói chứng cứ',
    stills: 'Ảnh chụp', approach: 'Tiếp cận', moment: 'Thời điểm vi phạm', after: 'Sau vi phạm',
    plateCloseUp: 'Ảnh biển số', vehicleCloseUp: 'Ảnh cận cảnh phương tiện', composite: 'Ảnh tổng hợp', clip: 'Đoạn phim',
    noClip: 'Gói không có đoạn phim.', clipUnsupported: 'Trình duyệt không phát được đoạn phim này — tải tệp về để xem.',
    fileMissing: 'Thiếu tệp', enlarge: 'Phóng to', close: 'Đóng', prev: 'Ảnh trước', next: 'Ảnh sau', lightbox: 'Xem ảnh chứng cứ',
    download: 'Tải gói chứng cứ', downloadFile: 'Tải tệp', manifestSha: 'SHA-256 của manifest',
    match: 'khớp với bản ghi', mismatch: 'KHÔNG khớp với bản ghi — gói có thể đã bị thay đổi', unchecked: 'chưa đối chiếu được',
    signed: 'Đã ký số', unsigned: 'Không có chữ ký số (manifest.sig)', key: 'khoá', verifyHint: 'Kiểm tra chữ ký với khoá của đơn vị: argus evidence verify',
    signedFacts: 'Thông tin trong gói (đã ký)', rule: 'Quy tắc', place: 'Địa điểm', time: 'Thời điểm', files: 'tệp', otherItems: 'Tệp chứng cứ khác',
  },
  en: {
    loading: 'Loading evidence…', noEvidence: 'This violation has no evidence yet.',
    packageMissing: 'The files of the evidence package are not on the server (deleted or moved?).',
    badManifest: 'The manifest.json of the evidence package is not valid.', loadFailed: 'Could not load the evidence package',
    stills: 'Stills', approach: 'Approach', moment: 'Moment of violation', after: 'After',
    plateCloseUp: 'Plate close-up', vehicleCloseUp: 'Vehicle close-up', composite: 'Composite', clip: 'Clip',
    noClip: 'The package holds no clip.', clipUnsupported: 'This browser cannot play the clip — download the file to watch it.',
    fileMissing: 'Missing file', enlarge: 'Enlarge', close: 'Close', prev: 'Previous picture', next: 'Next picture', lightbox: 'Evidence picture',
    download: 'Download evidence package', downloadFile: 'Download file', manifestSha: 'Manifest SHA-256',
    match: 'matches the record', mismatch: 'does NOT match the record — the package may have been altered', unchecked: 'not checked',
    signed: 'Signed', unsigned: 'Not signed (no manifest.sig)', key: 'key', verifyHint: 'Check the signature with the unit key: argus evidence verify',
    signedFacts: 'Facts in the package (signed)', rule: 'Rule', place: 'Place', time: 'Time', files: 'files', otherItems: 'Other evidence files',
  },
});
export type Word = keyof typeof WORDS.vi;
