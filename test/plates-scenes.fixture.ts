/**
 * Plates in the seven scene photos of ../shared/assets/images/vn_vehicle_scenes_trungdinh22, written by
 * hand: each photo was looked at whole and then zoomed (sharp extract + 4–6× resize) on every plate.
 * `legible` lists the plates whose every character can be read by eye; `skipped` says what was left out
 * and why. Keys are normalised (`[0-9A-Z]`), with the display form beside them for the reader of this file.
 */
export interface SceneFixture {
  readonly file: string;
  readonly legible: readonly { readonly plate: string; readonly display: string; readonly note: string }[];
  readonly skipped: readonly string[];
}

export const SCENES: readonly SceneFixture[] = [
  {
    file: '1.jpg',
    legible: [
      { plate: '59U116124', display: '59-U1 161.24', note: 'motorbike, centre-left, two-line' },
      { plate: '59G163188', display: '59-G1 631.88', note: 'motorbike, far left, two-line' },
      { plate: '50LD00454', display: '50LD-004.54', note: 'Honda car in the lane, small square two-line plate (50LD / 004.54)' },
    ],
    skipped: ['bus body number "51B…069.69": painted, partly hidden by a helmet', 'the many distant motorbikes: plates a few pixels high'],
  },
  {
    file: '101.jpg',
    legible: [
      { plate: '29B125662', display: '29-B1 256.62', note: 'motorbike in front, two-line' },
      { plate: '30L90860', display: '30-L9 0860', note: 'scooter at the back, old 4-digit two-line plate' },
    ],
    skipped: ['"29-L1 070.2?" at the left: last digit hidden by the next bike', '"18-…" at the right edge: cut off'],
  },
  {
    file: '117.jpg',
    legible: [
      { plate: '29V737694', display: '29-V7 376.94', note: 'left motorbike' },
      { plate: '89L138424', display: '89-L1 384.24', note: 'middle motorbike' },
      { plate: '18B254779', display: '18-B2 547.79', note: 'right motorbike' },
    ],
    skipped: ['bikes in the back row: plates hidden'],
  },
  {
    file: '119.jpg',
    legible: [
      { plate: '29U27914', display: '29-U2 7914', note: 'left, old 4-digit' },
      { plate: '29S175902', display: '29-S1 759.02', note: 'middle (a sticker on the dash)' },
      { plate: '29V52108', display: '29-V5 2108', note: 'right, old 4-digit' },
    ],
    skipped: [],
  },
  {
    file: '3.jpg',
    legible: [{ plate: '30A33918', display: '30A-339.18', note: 'CCTV view of a car, one-line plate' }],
    skipped: [],
  },
  {
    file: '4.jpg',
    legible: [
      { plate: '30F21717', display: '30F-217.17', note: 'yellow commercial plate on the silver MPV' },
      { plate: '30G70516', display: '30G-705.16', note: 'white hatchback on the left' },
    ],
    skipped: ['distant cars and motorbikes down the road'],
  },
  {
    file: 'bien_so.jpg',
    legible: [
      { plate: '51A99999', display: '51A-999.99', note: 'collage, top left' },
      { plate: '30A99999', display: '30A-999.99', note: 'collage, top right, square two-line plate' },
      { plate: '30E99999', display: '30E-999.99', note: 'collage, bottom left' },
      { plate: '51F99999', display: '51F-999.99', note: 'collage, bottom right' },
    ],
    skipped: [],
  },
];

/** Category expectations seen by eye: the MPV in 4.jpg carries a yellow (commercial) plate. */
export const SCENE_CATEGORIES: readonly { readonly file: string; readonly plate: string; readonly category: string }[] = [
  { file: '4.jpg', plate: '30F21717', category: 'commercial' },
  { file: '4.jpg', plate: '30G70516', category: 'private' },
];
