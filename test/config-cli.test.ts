/** `argus config check FILE`: every problem with its path and line, non-zero exit; a valid file passes. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './assets.js';

const run = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin/argus.js'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('argus config check', () => {
  it('accepts the site files shipped with the project', async () => {
    const r = await run(['config', 'check', join(REPO_ROOT, 'test/fixtures/rules/boulevard.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK \(1 site\(s\), 1 camera\(s\)\)/);
  });

  it('reports every problem of a broken file at once, each with its path and line, and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'version: 1',
        'sites:',
        '  - id: hue',
        '    name: Thừa Thiên Huế',
        '    timezone: Mars/Olympus',
        'cameras:',
        '  - id: cam-1',
        '    name: Cầu Trường Tiền',
        '    site: hue',
        '    kind: bridge',
        '    source: rtsp://10.1.1.1/live',
        '    location: { lat: 16.47, lng: 200 }',
        '    lines:',
        '      - id: L1',
        '        points: [[0.1, 0.5], [1.5, 0.5]]',
      ].join('\n'),
    );
    const r = await run(['config', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('4 problem(s)');
    expect(r.stderr).toContain('sites[0].timezone (line 5): unknown IANA time zone');
    expect(r.stderr).toMatch(/cameras\[0\]\.kind \(line 10\)/);
    expect(r.stderr).toMatch(/cameras\[0\]\.location\.lng \(line 12\)/);
    expect(r.stderr).toMatch(/cameras\[0\]\.lines\[0\]\.points\[1\]\[0\] \(line 15\)/);
  });

  it('says what is wrong with a missing file or a bad call', async () => {
    const missing = await run(['config', 'check', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.yaml/);
    const usage = await run(['config', 'frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: argus config check FILE');
  });
});
