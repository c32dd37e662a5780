import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countdown, IdleTimer } from './idle';

function timer(idleMs = 90_000, warnMs = 20_000) {
  const calls = { warn: [] as number[], resume: 0, expire: 0 };
  const t = new IdleTimer({
    idleMs,
    warnMs,
    onWarn: (s) => calls.warn.push(s),
    onResume: () => calls.resume++,
    onExpire: () => calls.expire++,
  });
  return { t, calls };
}

describe('IdleTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('warns after the idle time, counts 20 s down, then expires once', () => {
    const { t, calls } = timer();
    t.start();
    vi.advanceTimersByTime(89_999);
    expect(calls.warn).toEqual([]);
    expect(t.phase).toBe('active');
    vi.advanceTimersByTime(1);
    expect(t.phase).toBe('warning');
    expect(calls.warn).toEqual([20]);
    vi.advanceTimersByTime(5_000);
    expect(calls.warn).toEqual([20, 19, 18, 17, 16, 15]);
    vi.advanceTimersByTime(14_999);
    expect(calls.expire).toBe(0);
    expect(calls.warn.at(-1)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(calls.expire).toBe(1);
    expect(t.phase).toBe('expired');
    expect(calls.warn).not.toContain(0);
    vi.advanceTimersByTime(600_000);
    expect(calls.expire).toBe(1);
  });

  it('activity restarts the idle time', () => {
    const { t, calls } = timer(10_000);
    t.start();
    vi.advanceTimersByTime(9_000);
    t.activity();
    vi.advanceTimersByTime(9_000);
    expect(calls.warn).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(calls.warn).toEqual([20]);
  });

  it('activity during the warning resumes the session and starts over', () => {
    const { t, calls } = timer(10_000, 20_000);
    t.start();
    vi.advanceTimersByTime(15_000);
    expect(t.phase).toBe('warning');
    t.activity();
    expect(calls.resume).toBe(1);
    expect(t.phase).toBe('active');
    vi.advanceTimersByTime(20_000);
    expect(calls.expire).toBe(0);
    expect(t.phase).toBe('warning');
    vi.advanceTimersByTime(20_000);
    expect(calls.expire).toBe(1);
  });

  it('does nothing once stopped or expired, whatever happens', () => {
    const { t, calls } = timer(1_000, 1_000);
    t.start();
    t.stop();
    t.activity();
    vi.advanceTimersByTime(10_000);
    expect(calls).toEqual({ warn: [], resume: 0, expire: 0 });
    t.start();
    vi.advanceTimersByTime(2_000);
    expect(calls.expire).toBe(1);
    t.activity();
    vi.advanceTimersByTime(10_000);
    expect(calls.expire).toBe(1);
    expect(calls.resume).toBe(0);
  });

  it('a new idle time applies at once while active', () => {
    const { t, calls } = timer(90_000);
    t.start();
    t.setIdleMs(5_000);
    vi.advanceTimersByTime(5_000);
    expect(calls.warn).toEqual([20]);
  });
});

describe('countdown', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('ticks 3, 2, 1 a second apart and is done a second after the 1', () => {
    const ticks: number[] = [];
    let done = 0;
    countdown(3, (n) => ticks.push(n), () => done++);
    expect(ticks).toEqual([3]);
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([3, 2]);
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([3, 2, 1]);
    expect(done).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(done).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(done).toBe(1);
  });

  it('can be cancelled', () => {
    const ticks: number[] = [];
    let done = 0;
    const cancel = countdown(30, (n) => ticks.push(n), () => done++);
    vi.advanceTimersByTime(2_500);
    cancel();
    vi.advanceTimersByTime(60_000);
    expect(ticks).toEqual([30, 29, 28]);
    expect(done).toBe(0);
  });

  it('is done at once for zero', () => {
    let done = 0;
    countdown(0, () => {}, () => done++);
    expect(done).toBe(1);
  });
});
