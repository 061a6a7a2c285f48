import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

const base = `
version: 1
sites:
  - id: tu-son
    name: Công an thị xã Từ Sơn
cameras:
  - id: gate-1
    name: Cổng 1
    site: tu-son
    kind: gateway
    source: rtsp://10.0.0.5/1
    location: { lat: 21.1, lng: 105.9 }
`;

const problems = (text: string): string[] => {
  const r = parseConfig(text);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('federation config', () => {
  it('accepts a district sharing cameras, and fills the heartbeat period', () => {
    const r = parseConfig(`${base}federation: { role: district, id: ds-tu-son, name: Từ Sơn, nats: "nats://127.0.0.1:4223", share: { cameras: [gate-1] } }\n`);
    expect(r.ok).toBe(true);
    if (r.ok && r.config.federation?.role === 'district') expect(r.config.federation.statusEverySec).toBe(5);
  });

  it('accepts a district sharing whole sites, and a province with its districts', () => {
    expect(problems(`${base}federation: { role: district, id: ds-tu-son, name: Từ Sơn, nats: "nats://127.0.0.1:4223", share: { sites: [tu-son] } }\n`)).toEqual([]);
    const r = parseConfig(`${base}federation: { role: province, id: bac-ninh, nats: "nats://10.0.0.1:4222", districts: [{ id: ds-tu-son }, { id: ds-que-vo, name: Quế Võ }] }\n`);
    expect(r.ok).toBe(true);
    if (r.ok && r.config.federation?.role === 'province') expect(r.config.federation.linkTimeoutSec).toBe(20);
  });

  it('names each problem with its path: unknown camera or site shared, bad id, no role, share of neither kind', () => {
    expect(problems(`${base}federation: { role: district, id: ds-tu-son, name: T, nats: "nats://h:1", share: { cameras: [gate-1, gate-9] } }\n`))
      .toEqual(['federation.share.cameras[1]: unknown camera "gate-9": share only cameras of this file']);
    expect(problems(`${base}federation: { role: district, id: ds-tu-son, name: T, nats: "nats://h:1", share: { sites: [nowhere] } }\n`))
      .toEqual(['federation.share.sites[0]: unknown site "nowhere"']);
    expect(problems(`${base}federation: { role: district, id: "DS Tu Son", name: T, nats: "nats://h:1", share: { cameras: [gate-1] } }\n`)[0])
      .toMatch(/^federation\.id: must be 1–32 lower-case letters/);
    expect(problems(`${base}federation: { role: partner, id: x }\n`)[0]).toMatch(/federation.*role.*"district".*"province"/);
    expect(problems(`${base}federation: { role: district, id: d, name: T, nats: "nats://h:1", share: { everything: true } }\n`)[0]).toMatch(/share: give `cameras: \[ids\]` or `sites: \[ids\]`/);
    expect(problems(`${base}federation: { role: district, id: d, name: T, nats: "http://h:1", share: { cameras: [gate-1] } }\n`)[0]).toMatch(/federation\.nats: a NATS URL/);
  });

  it('refuses a province that lists a district twice or itself', () => {
    expect(problems(`${base}federation: { role: province, id: bn, nats: "nats://h:1", districts: [{ id: a }, { id: a }, { id: bn }] }\n`)).toEqual([
      'federation.districts[1].id: duplicate district id "a"',
      'federation.districts[2].id: district id "bn" is the province\'s own id',
    ]);
  });
});
