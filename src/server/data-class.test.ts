import { describe, expect, it } from 'vitest';
import type { AlertRecord, EventRecord, JsonValue } from '../store/store.js';
import { alertView, eventRecordView, eventView, liveView, readsPlates } from './data-class.js';
import { permissionsOfRoles, readableClasses, ROLES, type DataClass } from './rbac.js';

const readable = (...classes: DataClass[]): ReadonlySet<DataClass> => new Set<DataClass>(['traffic', ...classes]);
const ALL = readable('plate', 'violation', 'watchlist', 'face');
const NONE = readable();

const plateRead = {
  id: 'p1', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'plate.read', trackId: 2, cls: 'car', direction: 'pos', reads: 3,
  read: { plate: '30A12345', display: '30A-123.45', confidence: 0.9, category: 'private', lines: ['30A', '12345'] },
  cropUrl: '/api/sightings/p1/crop.jpg',
};
const violation = {
  id: 'v1', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'violation', violation: 'red_light', ruleId: 'r', ruleKind: 'red_light', trackId: 2, cls: 'car',
  box: { x1: 0, y1: 0, x2: 1, y2: 1 }, plate: '30A-123.45', measurements: { signal: 'red' }, params: { x: 1 }, evidence: { uri: '/data/evidence/v1' },
};
const sectionSpeed = {
  id: 's1', kind: 'section_speed', violation: 'section_speeding', sectionId: 'sec', plate: '30A12345', cameraId: 'c', atMs: 1,
  entry: { plate: '30A12345', cameraId: 'a', atMs: 0 }, exit: { plate: '30A12345', cameraId: 'c', atMs: 1 }, measurements: { speedKmh: 90 },
};
const hit: AlertRecord = {
  id: 'a1', cameraId: 'c', atMs: 1, kind: 'watchlist_hit', severity: 'critical', message: '30A-123.45 matches watch list "Stolen" (30A12345)',
  payload: { listId: 'l', entryId: 'e', pattern: '30A12345', plateKey: '30A12345', display: '30A-123.45', sightingId: 'p1', matchKind: 'exact', note: 'stolen' },
  acknowledgedBy: null, acknowledgedAtMs: null,
};

describe('data classes', () => {
  it('derives from rbac.ts which roles read which classes', () => {
    const of = (role: string) => [...readableClasses(permissionsOfRoles([role]))].sort();
    expect(Object.fromEntries(ROLES.map((r) => [r, of(r)]))).toEqual({
      admin: ['face', 'plate', 'traffic', 'violation', 'watchlist'],
      supervisor: ['face', 'plate', 'traffic', 'violation', 'watchlist'],
      reviewer: ['traffic', 'violation'],
      investigator: ['face', 'plate', 'traffic', 'violation', 'watchlist'],
      operator: ['face', 'traffic', 'violation'],
      viewer: ['traffic'],
      partner: ['plate', 'traffic', 'watchlist'],
    });
    expect(readsPlates(NONE)).toBe(false);
    expect(readsPlates(readable('violation'))).toBe(true);
  });

  it('keeps only the traffic part of a plate read, a violation and a section speed for a caller without their class', () => {
    expect(eventView(plateRead, readable('violation')).value).toEqual({ id: 'p1', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'plate.read', trackId: 2, cls: 'car', direction: 'pos', reads: 3, redacted: true });
    const v = eventView(violation, readable('plate')).value;
    expect(v).toEqual({ id: 'v1', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'violation', violation: 'red_light', ruleId: 'r', ruleKind: 'red_light', trackId: 2, cls: 'car', box: violation.box, measurements: { signal: 'red' }, redacted: true });
    expect(JSON.stringify(eventView(sectionSpeed, NONE).value)).not.toContain('30A');
    for (const e of [plateRead, violation, sectionSpeed]) expect(JSON.stringify(eventView(e, NONE).value)).not.toMatch(/30A|evidence/);
  });

  it('serves in full to a caller of the class, and counts the rows that carry plate text', () => {
    expect(eventView(plateRead, readable('plate'))).toEqual({ value: plateRead, plates: true, redacted: false });
    expect(eventView(violation, readable('violation')).plates).toBe(true);
    expect(eventView({ ...violation, plate: undefined } as unknown as JsonValue, readable('violation')).plates).toBe(false);
    const cross = { id: 'x', cameraId: 'c', atMs: 1, kind: 'line.cross', lineId: 'l', cls: 'car' };
    expect(eventView(cross, NONE)).toEqual({ value: cross, plates: false, redacted: false });
  });

  it('withholds an event or alert kind it does not know from anyone lacking a private class', () => {
    const odd = { id: 'o', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'face.match', person: 'Nguyễn Văn A' };
    expect(eventView(odd, readable('plate', 'violation')).value).toEqual({ id: 'o', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'face.match', redacted: true });
    expect(eventView(odd, ALL).redacted).toBe(false);
    expect(alertView({ ...hit, kind: 'face_hit' }, readable('plate', 'watchlist')).redacted).toBe(true);
  });

  it('serves a face watch-list match only to a reader of faces: everyone else learns that it happened, where and when', () => {
    const match = { ...hit, kind: 'face_match', message: 'Nguyễn Văn A: Truy nã (95 %)', payload: { personName: 'Nguyễn Văn A', faceId: 'f1', score: 0.95 } };
    expect(alertView(match, readable('plate', 'violation', 'watchlist')).value).toEqual({
      id: 'a1', cameraId: 'c', atMs: 1, kind: 'face_match', severity: 'critical', acknowledgedBy: null, acknowledgedAtMs: null, message: '', payload: {}, redacted: true,
    });
    expect(alertView(match, readable('face'))).toEqual({ value: match, plates: false, redacted: false });
    expect(eventView({ id: 'f', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'face.seen', embedding: [0.1] }, readable('plate', 'violation', 'watchlist')).value).toEqual({ id: 'f', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'face.seen', redacted: true });
  });

  it('tells a viewer that a watch-list hit happened, where and how severe, without plate, list, pattern, note or message', () => {
    const seen = alertView(hit, readable('plate')).value;
    expect(seen).toEqual({ id: 'a1', cameraId: 'c', atMs: 1, kind: 'watchlist_hit', severity: 'critical', acknowledgedBy: null, acknowledgedAtMs: null, message: '', payload: {}, redacted: true });
    expect(alertView(hit, readable('watchlist')).redacted).toBe(true); // the hit names the plate too
    expect(alertView(hit, readable('watchlist', 'plate'))).toEqual({ value: hit, plates: true, redacted: false });
    const signal = { ...hit, kind: 'signal_loss', message: 'Kerb: no picture for 5 s', payload: { silentMs: 5000 } };
    expect(alertView(signal, NONE)).toEqual({ value: signal, plates: false, redacted: false });
  });

  it('redacts a stored event row by its kind, and a live message by its topic', () => {
    const rec: EventRecord = { id: 'p1', cameraId: 'c', atMs: 1, kind: 'plate.read', payload: plateRead };
    expect(eventRecordView(rec, NONE).value).toEqual({ id: 'p1', cameraId: 'c', atMs: 1, kind: 'plate.read', redacted: true, payload: { id: 'p1', cameraId: 'c', atMs: 1, ptsSec: 0, kind: 'plate.read', trackId: 2, cls: 'car', direction: 'pos', reads: 3, redacted: true } });
    // A row whose payload claims another kind is judged by the row's kind.
    expect(JSON.stringify(eventRecordView({ ...rec, payload: { ...plateRead, kind: 'line.cross' } }, NONE).value)).not.toContain('30A');
    expect(JSON.stringify(liveView('event', plateRead, NONE))).not.toContain('30A');
    expect(JSON.stringify(liveView('alert', hit, NONE))).not.toContain('30A');
    expect(liveView('alert', 'not an object', ALL)).toEqual({ redacted: true });
    expect(liveView('health', { id: 'c', health: 'online' }, NONE)).toEqual({ id: 'c', health: 'online' });
  });
});
