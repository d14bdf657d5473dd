/**
 * Folds Vietnamese text for accent- and case-insensitive matching: "Đăng ký
 * kết hôn" → "dang ky ket hon". Works on composed and decomposed input alike
 * (NFD first, then every combining mark removed; đ/Đ are letters, not marks).
 */
export function foldVietnamese(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đð]/g, 'd').replace(/[ĐÐ]/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The lookup key of a directive number: folded, spaces dropped ("406 /QĐ-TTg" → "406/qd-ttg"). */
export function directiveIdKey(id: string): string {
  return foldVietnamese(id).replace(/\s+/g, '');
}
