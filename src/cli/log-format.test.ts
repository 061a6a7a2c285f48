import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { logFormat, prettyLine, prettyStream } from './log-format.js';

describe('log format', () => {
  it('is pretty on a terminal and JSON otherwise, unless the flag or ARGUS_LOG_FORMAT says', () => {
    expect(logFormat(undefined, undefined, true)).toBe('pretty');
    expect(logFormat(undefined, undefined, false)).toBe('json');
    expect(logFormat('json', 'pretty', true)).toBe('json');
    expect(logFormat(undefined, 'pretty', false)).toBe('pretty');
    expect(() => logFormat('yaml', undefined, true)).toThrow(/pretty or json/);
  });

  it('writes one readable line per record: time, level, context, message, fields', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const log = pino({ level: 'info' }, prettyStream(out, false));
    log.child({ component: 'camera', cameraId: 'cam-1' }).warn({ silentMs: 3012, note: 'two words' }, 'signal lost');
    log.info('plain');
    await new Promise((r) => setTimeout(r, 20));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  \[camera camera cam-1\] signal lost silentMs=3012 note="two words"$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  plain$/);
    expect(prettyLine('not json')).toBe('not json');
  });
});
