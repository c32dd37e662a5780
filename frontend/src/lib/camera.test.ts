import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoff, FramePoller, QrScanner, settledCameraState, sleep, type LoopStatus } from './camera';
import { ApiError } from '../api/client';
import type { Frame, ScanResult } from '../api/kiosk';

const unavailable = (state: string) =>
  new ApiError(503, 'camera_unavailable', 'No camera', undefined, { details: { state } });

/** Lets pending promise callbacks run (and fake timers fire) until `until` holds. */
async function flush(until?: () => boolean, rounds = 50) {
  for (let i = 0; i < rounds && !(until?.() ?? false); i++) await vi.advanceTimersByTimeAsync(10);
}

function abortable<T>(signal: AbortSignal, value: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
    value.then(resolve, reject);
  });
}

describe('FramePoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(frames: Array<Frame | Error>) {
    const asked: number[] = [];
    const shown: Array<[string, number]> = [];
    const created: string[] = [];
    const revoked: string[] = [];
    const statuses: LoopStatus[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let n = 0;
    const poller = new FramePoller({
      fetchFrame: (after, signal) => {
        asked.push(after);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const next = frames.shift();
        const p = new Promise<Frame>((resolve, reject) => {
          setTimeout(() => {
            inFlight--;
            if (!next) return; // no more frames: stays pending until aborted
            if (next instanceof Error) reject(next);
            else resolve(next);
          }, 5);
        });
        return abortable(signal, p);
      },
      show: (url, seq) => {
        shown.push([url, seq]);
      },
      createUrl: () => {
        const u = `blob:${++n}`;
        created.push(u);
        return u;
      },
      revokeUrl: (u) => revoked.push(u),
      onStatus: (s) => statuses.push(s),
      retryMs: 1000,
    });
    return { poller, asked, shown, created, revoked, statuses, maxInFlight: () => maxInFlight };
  }

  const frame = (seq: number): Frame => ({ blob: new Blob(['x']), seq });

  it('asks for frames after the last one shown, one at a time, and revokes each old URL', async () => {
    const s = setup([frame(1), frame(2), frame(3)]);
    s.poller.start();
    await flush(() => s.shown.length === 3);
    expect(s.asked.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(s.shown).toEqual([
      ['blob:1', 1],
      ['blob:2', 2],
      ['blob:3', 3],
    ]);
    expect(s.revoked).toEqual(['blob:1', 'blob:2']);
    expect(s.maxInFlight()).toBe(1);
    expect(s.statuses).toEqual([{ kind: 'live' }]);
    s.poller.dispose();
    await flush();
    expect(s.revoked).toEqual(['blob:1', 'blob:2', 'blob:3']);
    expect(s.poller.running).toBe(false);
  });

  it('does not show the same frame twice', async () => {
    const s = setup([frame(4), frame(4), frame(5)]);
    s.poller.start();
    await flush(() => s.shown.length === 2);
    expect(s.shown.map(([, seq]) => seq)).toEqual([4, 5]);
    expect(s.created).toEqual(['blob:1', 'blob:2']);
    s.poller.dispose();
  });

  it('follows a camera that starts counting again', async () => {
    const s = setup([frame(9), frame(1), frame(2)]);
    s.poller.start();
    await flush(() => s.shown.length === 3);
    expect(s.asked.slice(0, 3)).toEqual([0, 9, 1]);
    s.poller.dispose();
  });

  it('reports a missing camera, waits longer after each failure, and goes live again', async () => {
    const s = setup([unavailable('unplugged'), unavailable('unplugged'), frame(1)]);
    s.poller.start();
    await flush(() => s.statuses.length > 0);
    expect(s.statuses).toEqual([{ kind: 'unavailable', state: 'unplugged' }]);
    expect(s.asked.length).toBe(1);
    await vi.advanceTimersByTimeAsync(150);
    expect(s.asked.length).toBe(1); // waits a moment before asking again
    await vi.advanceTimersByTimeAsync(150);
    expect(s.asked.length).toBe(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(s.asked.length).toBe(2); // the second wait is longer
    await flush(() => s.shown.length === 1, 400);
    expect(s.asked.slice(0, 3)).toEqual([0, 0, 0]);
    expect(s.statuses).toEqual([{ kind: 'unavailable', state: 'unplugged' }, { kind: 'live' }]);
    s.poller.dispose();
  });

  it('stops at once: no further requests, nothing shown', async () => {
    const s = setup([frame(1), frame(2)]);
    s.poller.start();
    s.poller.stop();
    await flush();
    expect(s.shown).toEqual([]);
    expect(s.asked.length).toBe(1);
    // and can start again
    s.poller.start();
    await flush(() => s.shown.length === 1);
    expect(s.shown[0][1]).toBe(2);
    s.poller.dispose();
  });
});

describe('QrScanner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('long-polls with the last seq until a token comes, then stops and reports it once', async () => {
    const answers: Array<ScanResult | Error> = [
      { token: '', seq: 10 },
      unavailable('none'),
      { token: '', seq: 12 },
      { token: 'v1.abc', seq: 13 },
      { token: 'v1.other', seq: 14 },
    ];
    const asked: number[] = [];
    const found: string[] = [];
    const statuses: LoopStatus[] = [];
    const scanner = new QrScanner({
      scan: async (after) => {
        asked.push(after);
        const a = answers.shift();
        await sleep(20);
        if (a instanceof Error) throw a;
        return a ?? { token: '', seq: after };
      },
      onFound: (t) => found.push(t),
      onStatus: (s) => statuses.push(s),
      retryMs: 500,
    });
    scanner.start();
    await flush(() => found.length > 0, 200);
    expect(found).toEqual(['v1.abc']);
    expect(asked).toEqual([0, 10, 10, 12]);
    expect(scanner.running).toBe(false);
    expect(statuses).toEqual([{ kind: 'live' }, { kind: 'unavailable', state: 'none' }, { kind: 'live' }]);
    await flush(undefined, 100);
    expect(asked.length).toBe(4);
  });

  it('asks for the latest frame again when the camera stalled or started counting anew', async () => {
    const asked: number[] = [];
    const answers: ScanResult[] = [
      { token: '', seq: 40 },
      { token: '', seq: 40 }, // nothing newer than 40 in 2 s
      { token: '', seq: 3 },
      { token: 'v1.x', seq: 4 },
    ];
    const found: string[] = [];
    const scanner = new QrScanner({
      scan: async (after) => {
        asked.push(after);
        return answers.shift() ?? { token: '', seq: after };
      },
      onFound: (t) => found.push(t),
    });
    scanner.start();
    await flush(() => found.length > 0, 200);
    expect(asked).toEqual([0, 40, 0, 3]);
  });

  it('does not hammer a server that answers at once', async () => {
    let calls = 0;
    const scanner = new QrScanner({
      scan: async (after) => {
        calls++;
        return { token: '', seq: after + 1 };
      },
      onFound: () => {},
      minIntervalMs: 100,
    });
    scanner.start();
    await vi.advanceTimersByTimeAsync(1_000);
    scanner.stop();
    expect(calls).toBeGreaterThanOrEqual(9);
    expect(calls).toBeLessThanOrEqual(11);
  });
});

describe('backoff', () => {
  it('starts short and doubles up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => backoff(n, 2000))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(backoff(1, 100)).toBe(100);
  });
});

describe('settledCameraState', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('rides out a moment of "unplugged" while a camera is reopened', async () => {
    const answers = ['unplugged', 'ready'] as const;
    let calls = 0;
    const p = settledCameraState(async () => answers[calls++] ?? 'ready', { tries: 3, delayMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    expect(await p).toBe('ready');
    expect(calls).toBe(2);
  });

  it('reports a camera that stays away, after asking `tries` times', async () => {
    let calls = 0;
    const p = settledCameraState(async () => (calls++, 'none'), { tries: 3, delayMs: 500 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await p).toBe('none');
    expect(calls).toBe(3);
  });

  it('says offline when the station does not answer', async () => {
    const p = settledCameraState(async () => {
      throw new Error('network');
    }, { tries: 2, delayMs: 100 });
    await vi.advanceTimersByTimeAsync(200);
    expect(await p).toBe('offline');
  });
});
