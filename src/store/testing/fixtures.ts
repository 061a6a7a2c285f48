/** Builders of valid records for the conformance suite and the benchmarks. */
import type { CameraRecord, SightingRecord, SiteRecord, UserRecord } from '../store.js';

export const HOSTILE = [
  "'; DROP TABLE sightings; --",
  'Robert"); DELETE FROM users WHERE ("1"="1',
  "1' OR '1'='1",
  '%_*?[]\\',
  'ctrl \u0001\t\r\n and \u202e bidi',
  'Đường Láng – 30A-123.45 😀',
] as const;

export const site = (id: string, extra: Partial<SiteRecord> = {}): SiteRecord => ({
  id, name: `Site ${id}`, timeZone: 'Asia/Ho_Chi_Minh', district: 'Đống Đa', ward: 'Láng Thượng', location: { lat: 21.02, lng: 105.8 }, provinces: [], ...extra,
});

export const camera = (id: string, siteId: string, extra: Partial<CameraRecord> = {}): CameraRecord => ({
  id, siteId, name: `Camera ${id}`, kind: 'gateway', url: 'rtsp://10.0.0.1/stream', enabled: true, location: null,
  zones: [{ id: 'z1', polygon: [[0, 0], [1, 0], [1, 1]] }], rules: [{ kind: 'speed', limitKmh: 60 }], updatedAtMs: 1_700_000_000_000, ...extra,
});

export const user = (id: string, extra: Partial<UserRecord> = {}): UserRecord => ({
  id, username: `user-${id}`, displayName: `User ${id}`, passwordHash: 'scrypt$abc$def', roles: ['viewer'], scope: { districts: ['Đống Đa'] },
  disabled: false, failedLogins: 0, lockedUntilMs: null, createdAtMs: 1_700_000_000_000, updatedAtMs: 1_700_000_000_000, ...extra,
});

export const sighting = (id: string, plateKey: string, atMs: number, cameraId = 'cam-1', extra: Partial<SightingRecord> = {}): SightingRecord => ({
  id, cameraId, atMs, plateKey, display: plateKey, confidence: 0.93, category: 'white', cls: 'car', trackId: 7, direction: 'pos', cropRef: `crops/${id}.jpg`, ...extra,
});

export { prng, vehiclePlate } from '../synthetic.js';
