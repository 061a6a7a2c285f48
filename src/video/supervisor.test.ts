import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, cancellableSleep, DEFAULT_BACKOFF, endingWithParent, lineSplitter, spawnManaged } from './supervisor.js';
import { isGone, until } from './testing/orphans.js';

describe('backoffDelayMs', () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };
  it('doubles from 0.5 s and stops at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffDelayMs(noJitter, n))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('spreads delays by the jitter fraction and never exceeds the cap', () => {
    expect(backoffDelayMs(DEFAULT_BACKOFF, 3, () => 0)).toBe(1600);
    expect(backoffDelayMs(DEFAULT_BACKOFF, 3, () => 1)).toBe(2400);
    expect(backoffDelayMs(DEFAULT_BACKOFF, 10, () => 1)).toBe(30000);
  });
});

describe('lineSplitter', () => {
  it('joins lines split across chunks and handles \\r progress lines', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('first li');
    s.push('ne\nsecond\r\nthird\rfourth');
    s.flush();
    expect(lines).toEqual(['first line', 'second', 'third', 'fourth']);
  });
});

describe('spawnManaged', () => {
  it('stops an endless ffmpeg with SIGTERM and leaves no process behind', async () => {
    const proc = spawnManaged('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10', '-f', 'rawvideo', 'pipe:1']);
    let bytes = 0;
    await new Promise<void>((resolve) =>
      proc.stdout.on('data', (c: Buffer) => {
        bytes += c.length;
        resolve();
      }),
    );
    const exit = await proc.stop(2000);
    expect(bytes).toBeGreaterThan(0);
    expect(exit.code === 255 || exit.signal === 'SIGTERM').toBe(true);
    expect(existsSync(`/proc/${proc.pid}`)).toBe(false);
  });

  it('kills with SIGKILL a process that ignores SIGTERM', async () => {
    const proc = spawnManaged('sh', ['-c', 'trap "" TERM; echo started >&2; sleep 5']);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    const exit = await proc.stop(300);
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(proc.stderrTail()).toEqual(['started']);
  });

  // ffmpeg reads a second SIGTERM as "abort every write now" and then leaves its open mp4 without an index.
  it.runIf(process.platform === 'linux')('passes on only the first SIGTERM to a command that ends with its parent, and its exit status', async () => {
    const child = 'n=0; trap \'n=$((n+1))\' TERM; echo "pid $$" >&2; while [ "$n" -lt 1 ]; do sleep 0.05; done; sleep 0.5; echo "got $n" >&2; exit 7';
    const cmd = endingWithParent('sh', ['-c', child]);
    expect(cmd.ownGroup).toBe(true);
    const proc = spawnManaged(cmd.command, cmd.args, { ownGroup: cmd.ownGroup });
    await until(async () => proc.stderrTail().some((l) => l.startsWith('pid ')), 5000, 'the child');
    for (let i = 0; i < 3; i++) process.kill(proc.pid!, 'SIGTERM'); // as the kernel does for a parent that dies thread by thread
    const exit = await proc.exited;
    expect(proc.stderrTail()).toContain('got 1');
    expect(exit.code).toBe(7);
  });

  it.runIf(process.platform === 'linux')('kills the whole group of a command that ends with its parent when it ignores SIGTERM', async () => {
    const cmd = endingWithParent('sh', ['-c', 'trap "" TERM; echo "pid $$" >&2; sleep 30']);
    const proc = spawnManaged(cmd.command, cmd.args, { ownGroup: cmd.ownGroup });
    await until(async () => proc.stderrTail().some((l) => l.startsWith('pid ')), 5000, 'the child');
    const child = Number(proc.stderrTail().find((l) => l.startsWith('pid '))!.slice(4));
    const exit = await proc.stop(300);
    expect(exit.signal).toBe('SIGKILL');
    await until(() => isGone(child), 3000, 'the child that ignored SIGTERM');
  });

  it('reports a missing binary as ffmpeg_missing', async () => {
    const proc = spawnManaged('ffmpeg-that-does-not-exist', []);
    await proc.exited;
    expect(proc.spawnError()?.code).toBe('ffmpeg_missing');
  });
});

describe('cancellableSleep', () => {
  it('ends early with false when cancelled', async () => {
    const s = cancellableSleep(10_000);
    s.cancel();
    expect(await s.done).toBe(false);
    expect(await cancellableSleep(1).done).toBe(true);
  });
});
