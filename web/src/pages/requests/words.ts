/** Words of the sharing requests page, Vietnamese first. */
import { defineDict } from '../../i18n';

export const WORDS = defineDict({
  vi: {
    title: 'Yêu cầu chia sẻ', intro: 'Đơn vị đối tác đề nghị cung cấp video, hành trình biển số hoặc chứng cứ vi phạm, nêu lý do và căn cứ pháp lý; cán bộ có thẩm quyền duyệt hoặc từ chối. Tài liệu được chia sẻ có thời hạn, có chữ ký số, mọi lượt xem đều được ghi nhật ký.',
    newRequest: 'Gửi yêu cầu mới', kind: 'Loại tài liệu', footage: 'Video camera', plate_trace: 'Hành trình biển số', evidence: 'Chứng cứ vi phạm',
    camera: 'Mã camera', plate: 'Biển số', violation: 'Mã vi phạm', from: 'Từ lúc', to: 'Đến lúc', reason: 'Lý do (vụ việc)', legalBasis: 'Căn cứ pháp lý',
    agency: 'Đơn vị yêu cầu', send: 'Gửi yêu cầu', sent: 'Đã gửi yêu cầu', list: 'Danh sách yêu cầu', none: 'Chưa có yêu cầu nào',
    material: 'Tài liệu', requester: 'Người yêu cầu', status: 'Tình trạng', decision: 'Quyết định', actions: 'Thao tác', created: 'Ngày gửi',
    pending: 'Chờ duyệt', approved: 'Đã duyệt', refused: 'Từ chối', revoked: 'Đã thu hồi', expired: 'Hết hạn',
    preparing: 'Đang tạo gói', failed: 'Lỗi tạo gói', building: 'Đang làm mờ khuôn mặt trong video trước khi chia sẻ', approveAgain: 'Duyệt lại',
    approve: 'Duyệt', refuse: 'Từ chối', revoke: 'Thu hồi', download: 'Tải gói có chữ ký', copyLink: 'Sao chép liên kết', copied: 'Đã sao chép liên kết',
    link: 'Liên kết chỉ xem', until: 'Hiệu lực đến', by: 'bởi', approveTitle: 'Duyệt yêu cầu', refuseTitle: 'Từ chối yêu cầu',
    note: 'Ghi chú cho đơn vị yêu cầu', refuseReason: 'Lý do từ chối', expiryHours: 'Thời hạn chia sẻ (giờ)', cancel: 'Hủy', close: 'Đóng',
    confirmApprove: 'Duyệt và tạo gói', confirmRefuse: 'Xác nhận từ chối', notDone: 'Không thực hiện được', hours: 'giờ',
  },
  en: {
    title: 'Sharing requests', intro: 'Partner agencies ask for camera footage, a plate trace or a violation\'s evidence, with a reason and a legal basis; an authorised officer approves or refuses. Shared material is signed and time-limited, and every look at it is audited.',
    newRequest: 'New request', kind: 'Material', footage: 'Camera footage', plate_trace: 'Plate trace', evidence: 'Violation evidence',
    camera: 'Camera id', plate: 'Plate', violation: 'Violation id', from: 'From', to: 'To', reason: 'Reason (the case)', legalBasis: 'Legal basis',
    agency: 'Requesting agency', send: 'Send request', sent: 'Request sent', list: 'Requests', none: 'No requests yet',
    material: 'Material', requester: 'Requester', status: 'Status', decision: 'Decision', actions: 'Actions', created: 'Sent',
    pending: 'Pending', approved: 'Approved', refused: 'Refused', revoked: 'Revoked', expired: 'Expired',
    preparing: 'Building package', failed: 'Package failed', building: 'Blurring faces in the footage before it is shared', approveAgain: 'Approve again',
    approve: 'Approve', refuse: 'Refuse', revoke: 'Revoke', download: 'Download signed package', copyLink: 'Copy link', copied: 'Link copied',
    link: 'Read-only link', until: 'Valid until', by: 'by', approveTitle: 'Approve request', refuseTitle: 'Refuse request',
    note: 'Note to the requesting agency', refuseReason: 'Reason for refusing', expiryHours: 'Shared for (hours)', cancel: 'Cancel', close: 'Close',
    confirmApprove: 'Approve and build the package', confirmRefuse: 'Refuse', notDone: 'Could not be done', hours: 'hours',
  },
});
export type Word = keyof typeof WORDS.vi;
