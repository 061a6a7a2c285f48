/** Words of the faces page (Khuôn mặt), Vietnamese first. */
import { defineDict } from '../../i18n';

export const WORDS = defineDict({
  vi: {
    title: 'Khuôn mặt', tabs: 'Các mục khuôn mặt', lists: 'Danh sách theo dõi', matches: 'Trùng khớp', search: 'Tìm người',
    privacy: 'Dữ liệu khuôn mặt là dữ liệu cá nhân nhạy cảm (Nghị định 13/2023/NĐ-CP): chỉ dùng cho mục đích đã nêu; mọi lượt xem và tìm kiếm đều được ghi nhật ký.',
    noAccess: 'Vai trò của bạn không được dùng mục này.',
    // lists
    newList: 'Tạo danh sách', editList: 'Sửa danh sách', name: 'Tên', description: 'Mô tả', severity: 'Mức độ cảnh báo', threshold: 'Ngưỡng trùng khớp',
    persons: 'Số người', falseMatch: 'Nhận nhầm', oneIn: 'khoảng 1 nhận nhầm trên {n} khuôn mặt', tooRare: 'dưới 1 nhận nhầm trên {n} khuôn mặt (hiếm hơn mức đã đo)',
    notMeasured: 'chưa đo tỷ lệ nhận nhầm của mô hình này', measuredOn: 'Đo trên', suggested: 'Ngưỡng đề xuất', save: 'Lưu', cancel: 'Hủy', close: 'Đóng',
    create: 'Tạo', edit: 'Sửa', open: 'Mở', noLists: 'Chưa có danh sách nào', back: 'Quay lại danh sách', deleteList: 'Xóa danh sách',
    confirmDeleteList: 'Xóa danh sách này cùng mọi người trong đó?', stricter: 'chặt hơn', looser: 'lỏng hơn',
    // persons
    people: 'Người trong danh sách', noPersons: 'Chưa có ai trong danh sách', photos: 'Ảnh', reason: 'Lý do theo dõi', legalBasis: 'Căn cứ pháp lý',
    expiry: 'Hết hạn', enrolledBy: 'Người đưa vào', enrolledAt: 'Ngày đưa vào', note: 'Ghi chú', remove: 'Gỡ khỏi danh sách',
    confirmRemove: 'Gỡ {name} khỏi danh sách? Ảnh và đặc trưng khuôn mặt của người này sẽ bị xóa.',
    enrol: 'Đưa người vào danh sách', enrolHint: '1–5 ảnh rõ mặt, nhìn thẳng (JPEG hoặc PNG, tối đa 4 MB mỗi ảnh). Thời hạn tối đa 1 năm.',
    photoFiles: 'Ảnh khuôn mặt', expiryDate: 'Hết hạn vào ngày', enrolNow: 'Đưa vào danh sách', enrolled: 'Đã đưa {name} vào danh sách',
    tooManyPhotos: 'Tối đa 5 ảnh', noPhotos: 'Cần ít nhất 1 ảnh', failed: 'Không thực hiện được', working: 'Đang xử lý…', selected: '{n} ảnh đã chọn',
    // matches
    noMatches: 'Chưa có trùng khớp', enrolledPhoto: 'Ảnh đăng ký', seenPhoto: 'Khuôn mặt thấy trên camera', score: 'Độ giống', vs: 'ngưỡng',
    person: 'Người', list: 'Danh sách', camera: 'Camera', time: 'Thời gian', confirm: 'Xác nhận đúng người', reject: 'Bác bỏ (nhầm người)',
    decisionNote: 'Ghi chú quyết định', confirmed: 'Đã xác nhận', rejected: 'Đã bác bỏ', by: 'bởi', alreadyDecided: 'Trùng khớp này đã được quyết định',
    searchFace: 'Tìm người này', personGone: '(người đã bị gỡ khỏi danh sách)', noImage: 'Không có ảnh', cannotDecide: 'Vai trò của bạn không quyết định được',
    // search
    byPhoto: 'Ảnh người cần tìm', byFace: 'Khuôn mặt đã chọn', clearFace: 'Dùng ảnh khác', searchReason: 'Lý do tìm kiếm (vụ việc)', from: 'Từ lúc', to: 'Đến lúc',
    cameras: 'Camera (không chọn: mọi camera)', doSearch: 'Tìm', results: 'Kết quả', noResults: 'Không thấy ai giống trong khoảng thời gian này',
    timeline: 'Dòng thời gian', route: 'Lộ trình', probe: 'Chất lượng khuôn mặt tìm', needPhoto: 'Chọn một ảnh hoặc một khuôn mặt',
  },
  en: {
    title: 'Faces', tabs: 'Face sections', lists: 'Watch lists', matches: 'Matches', search: 'Person search',
    privacy: 'Faces are sensitive personal data (Decree 13/2023/ND-CP): use them only for the stated purpose; every look and search is audited.',
    noAccess: 'Your role may not use this section.',
    newList: 'New list', editList: 'Edit list', name: 'Name', description: 'Description', severity: 'Alert severity', threshold: 'Match threshold',
    persons: 'Persons', falseMatch: 'False matches', oneIn: 'about 1 false match per {n} faces', tooRare: 'fewer than 1 false match per {n} faces (rarer than measured)',
    notMeasured: 'the false-match rate of this model was not measured', measuredOn: 'Measured on', suggested: 'Suggested threshold', save: 'Save', cancel: 'Cancel', close: 'Close',
    create: 'Create', edit: 'Edit', open: 'Open', noLists: 'No lists yet', back: 'Back to the lists', deleteList: 'Delete list',
    confirmDeleteList: 'Delete this list and everyone on it?', stricter: 'stricter', looser: 'looser',
    people: 'Persons on the list', noPersons: 'Nobody on this list yet', photos: 'Photos', reason: 'Reason', legalBasis: 'Legal basis',
    expiry: 'Expires', enrolledBy: 'Enrolled by', enrolledAt: 'Enrolled', note: 'Note', remove: 'Remove from the list',
    confirmRemove: 'Remove {name} from the list? Their photos and face features will be deleted.',
    enrol: 'Enrol a person', enrolHint: '1–5 clear frontal photos (JPEG or PNG, up to 4 MB each). At most one year.',
    photoFiles: 'Face photos', expiryDate: 'Expires on', enrolNow: 'Enrol', enrolled: '{name} enrolled',
    tooManyPhotos: 'At most 5 photos', noPhotos: 'At least 1 photo is needed', failed: 'Could not be done', working: 'Working…', selected: '{n} photos selected',
    noMatches: 'No matches yet', enrolledPhoto: 'Enrolled photo', seenPhoto: 'Face seen on camera', score: 'Similarity', vs: 'threshold',
    person: 'Person', list: 'List', camera: 'Camera', time: 'Time', confirm: 'Confirm: same person', reject: 'Reject: not them',
    decisionNote: 'Decision note', confirmed: 'Confirmed', rejected: 'Rejected', by: 'by', alreadyDecided: 'This match was already decided',
    searchFace: 'Search this face', personGone: '(person removed from the list)', noImage: 'No image', cannotDecide: 'Your role may not decide',
    byPhoto: 'Photo of the person', byFace: 'Face picked', clearFace: 'Use a photo instead', searchReason: 'Reason for the search (the case)', from: 'From', to: 'To',
    cameras: 'Cameras (none picked: all)', doSearch: 'Search', results: 'Results', noResults: 'Nobody alike in this time window',
    timeline: 'Timeline', route: 'Route', probe: 'Quality of the searched face', needPhoto: 'Pick a photo or a face',
  },
});
export type Word = keyof typeof WORDS.vi;

/** A word with `{name}` slots filled. */
export const fill = (s: string, v: Record<string, string | number>): string => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in v ? String(v[k]) : m));
