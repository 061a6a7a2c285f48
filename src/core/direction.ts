/** Direction of a line crossing: `pos` ends where cross(B−A, P−A) > 0 (image coords, y down). */
export type CrossDirection = 'pos' | 'neg';
