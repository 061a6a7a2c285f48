/**
 * A small client of the Argus API: session cookie + CSRF header; a 401 anywhere sends the app back to login.
 * The answers' types come from THE contract that the server's routes declare and its tests check (src/contract), not
 * from a copy: `import type` only, so the contract's zod schemas stay out of the bundle.
 */
import type { LoginAnswer } from '@contract';

export type {
  Alert as AlertRow, Camera, CameraDetail, CameraStatus, EventRow, LiveEvent, Me, Sighting, Trace, TraceStop, Violation, ViolationDetail,
} from '@contract';

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
  const r = await api<LoginAnswer>('POST', '/api/auth/login', { username, password });
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
