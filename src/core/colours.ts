/** The named palette of attribute search (clothes and vehicle bodies), with the UI's Vietnamese and English names. */
export const COLOUR_NAMES = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'white', 'gray', 'black'] as const;
export type ColourName = (typeof COLOUR_NAMES)[number];

export const COLOUR_LABELS: Readonly<Record<ColourName, { readonly vi: string; readonly en: string }>> = {
  red: { vi: 'Đỏ', en: 'Red' },
  orange: { vi: 'Cam', en: 'Orange' },
  yellow: { vi: 'Vàng', en: 'Yellow' },
  green: { vi: 'Xanh lá', en: 'Green' },
  blue: { vi: 'Xanh dương', en: 'Blue' },
  purple: { vi: 'Tím', en: 'Purple' },
  pink: { vi: 'Hồng', en: 'Pink' },
  brown: { vi: 'Nâu', en: 'Brown' },
  white: { vi: 'Trắng', en: 'White' },
  gray: { vi: 'Xám / bạc', en: 'Gray / silver' },
  black: { vi: 'Đen', en: 'Black' },
};

/** A colour and the share (0–1) of the region's pixels voting for it. */
export interface ColourShare {
  readonly colour: ColourName;
  readonly share: number;
}

/** Where colours are measured on a box: a person's upper and lower body, or a vehicle's body. */
export type ColourRegion = 'upper' | 'lower' | 'body';

/** The colours of one track (top colours first); people have upper/lower, vehicles body. */
export interface TrackColours {
  readonly upper?: readonly ColourShare[];
  readonly lower?: readonly ColourShare[];
  readonly body?: readonly ColourShare[];
}
