/**
 * SQLite across processes: what a writer acknowledged survives `kill -9`, and two processes appending
 * to the audit log at once keep one valid chain.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'argus-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child Node process running `body` (ESM, TypeScript imports through tsx) with `store` opened on `path`. */
function child(path: string, body: string) {
  const code = `
    const { openSqliteStore } = await import(${JSON.stringify(join(ROOT, 'src/store/sqlite/index.ts'))});
    const store = await openSqliteStore({ path: ${JSON.stringify(path)} });
    ${body}
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('SQLite store across processes', () => {
  it('keeps every batch a killed writer acknowledged', async () => {
    const path = join(dir, 'kill.db');
    await (await openSqliteStore({ path })).close();
    const proc = child(path, `
      for (let b = 0; ; b++) {
        const rows = Array.from({ length: 200 }, (_, i) => ({ id: 'b' + b + '-' + i, cameraId: 'c1', atMs: 1e12 + b * 1000 + i,
          plateKey: '30A' + String(10000 + ((b * 200 + i) % 90000)), display: 'x', confidence: 0.9, category: null, cls: 'car',
          trackId: i, direction: null, cropRef: null }));
        await store.insertSightings(rows);
        process.stdout.write('ack ' + b + '\\n');
      }
    `);
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolveAcks, reject) => {
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if ((out.match(/ack /g) ?? []).length >= 15) resolveAcks();
      });
      proc.on('exit', () => reject(new Error(`writer exited early: ${err}`)));
    });
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('close', r));
    const acked = [...out.matchAll(/ack (\d+)/g)].map((m) => Number(m[1]));
    const store = await openSqliteStore({ path });
    try {
      for (const b of acked) {
        expect(await store.getSighting(`b${b}-0`), `batch ${b}`).not.toBeNull();
        expect(await store.getSighting(`b${b}-199`), `batch ${b}`).not.toBeNull();
      }
      expect(acked.length).toBeGreaterThanOrEqual(15);
    } finally {
      await store.close();
    }
  });

  it('keeps one audit chain when two processes append at the same time', async () => {
    const path = join(dir, 'audit.db');
    await (await openSqliteStore({ path })).close();
    const append = (who: string) => child(path, `
      for (let i = 0; i < 60; i++) await store.appendAudit({ atMs: i, actor: ${JSON.stringify(who)}, action: 'plate.search', target: null, details: { i } });
      await store.close();
    `);
    const procs = [append('p1'), append('p2')];
    const codes = await Promise.all(procs.map((p) => new Promise<number | null>((r) => p.on('close', r))));
    expect(codes).toEqual([0, 0]);
    const store = await openSqliteStore({ path });
    try {
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, count: 120 });
    } finally {
      await store.close();
    }
  });
});
