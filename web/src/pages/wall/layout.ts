/** The wall's layout (1, 4, 9 or 16 tiles) and which camera each tile shows, kept in this browser (localStorage). */
export const LAYOUTS = [1, 4, 9, 16] as const;
export type Layout = (typeof LAYOUTS)[number];

/** Grids up to this many tiles play live video; bigger ones show stills (a browser decodes only so many streams). */
export const MAX_VIDEO_TILES = 4;

const LAYOUT_KEY = 'argus.wall.layout';
const ASSIGN_KEY = 'argus.wall.tiles';

export function loadLayout(): Layout {
  const n = Number(localStorage.getItem(LAYOUT_KEY));
  return LAYOUTS.find((l) => l === n) ?? 4;
}

export function saveLayout(l: Layout): void {
  localStorage.setItem(LAYOUT_KEY, String(l));
}

/** Tiles the user picked by hand: tile index → camera id ('' = left empty on purpose). */
export function loadPicks(): Record<number, string> {
  try {
    const v = JSON.parse(localStorage.getItem(ASSIGN_KEY) ?? '{}') as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter(([k, id]) => /^\d{1,2}$/.test(k) && typeof id === 'string')) as Record<number, string>;
  } catch {
    return {};
  }
}

export function savePicks(p: Record<number, string>): void {
  localStorage.setItem(ASSIGN_KEY, JSON.stringify(p));
}

/** The camera of every tile: the hand pick when there is one (and the camera still exists), else the camera in the same place in the list. */
export function assignTiles(layout: Layout, cameraIds: readonly string[], picks: Record<number, string>): string[] {
  const known = new Set(cameraIds);
  return Array.from({ length: layout }, (_, i) => {
    const p = picks[i];
    return p !== undefined && (p === '' || known.has(p)) ? p : cameraIds[i] ?? '';
  });
}
