/** A small client of the Argus API: session cookie + CSRF header; a 401 anywhere sends the app back to login. */
export interface Camera {
  id: string; name: string; kind: string; siteId: string; enabled: boolean;
  location: { lat: number; lng: number } | null;
  area: { district?: string; ward?: string } | null;
  status: CameraStatus | null;
}
export interface CameraStatus {
  id: string; health: 'starting' | 'online' | 'degraded' | 'offline' | 'disabled'; analysis: string; fps: number;
  lastFrameAgeMs: number | null; signalLost: boolean; message: string | null;
}
export interface EventRow { id: string; cameraId: string; atMs: number; kind: string; payload: Record<string, unknown> }
export interface AlertRow {
  id: string; cameraId: string | null; atMs: number; kind: string; severity: 'info' | 'warning' | 'critical'; message: string;
  acknowledgedBy?: string | null; acknowledgedAtMs?: number | null;
}
export interface Violation {
  id: string; cameraId: string; atMs: number; kind: string; plateKey: string | null; plateDisplay: string | null;
  status: 'pending' | 'confirmed' | 'rejected'; details: Record<string, unknown>;
}
export interface ViolationDetail extends Violation {
  history: Array<{ atMs: number; fromStatus: string; toStatus: string; reviewer: string; reason: string }>;
  evidence: Array<{ id: string; kind: string; path: string; sha256: string; bytes: number }>;
}
export interface Sighting {
  id: string; cameraId: string; atMs: number; plateKey: string; display: string; confidence: number; cls: string | null; score?: number; matchKind?: string;
  /** The sighting has a plate crop (served at /api/sightings/:id/crop.jpg), or null. */
  cropRef: string | null;
}
export interface Trace {
  plate: string;
  timeline: Array<Sighting & { cameraName: string | null; location: { lat: number; lng: number } | null }>;
  route: { type: 'Feature'; geometry: { type: 'LineString'; coordinates: Array<[number, number]> }; properties: Record<string, unknown> };
  truncated: boolean;
}
export interface Me { id: string; username: string; roles: string[]; permissions: string[] }

export class ApiError extends Error {
  /** `details`: the whole `error` object of the answer (e.g. `lines` of a refused CSV import). */
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

let csrf = '';
let onUnauthorized: () => void = () => undefined;

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

function readCsrfCookie(): string {
  const m = /(?:^|;\s*)argus_csrf=([^;]+)/.exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : '';
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['x-csrf-token'] = csrf || readCsrfCookie();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } & Record<string, unknown> } | null)?.error;
    if (res.status === 401 && path !== '/api/auth/login') onUnauthorized();
    throw new ApiError(res.status, err?.code ?? 'error', err?.message ?? res.statusText, err ?? {});
  }
  return data as T;
}

export async function login(username: string, password: string): Promise<void> {
  const r = await api<{ csrfToken: string }>('POST', '/api/auth/login', { username, password });
  csrf = r.csrfToken;
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/api/auth/logout');
  } finally {
    csrf = '';
  }
}

export const get = <T,>(path: string): Promise<T> => api<T>('GET', path);

/** A camera's live still (JPEG); the popup hides the picture when the service has none (404). */
export const snapshotUrl = (cameraId: string, bust: number): string => `/api/cameras/${encodeURIComponent(cameraId)}/snapshot.jpg?t=${bust}`;
