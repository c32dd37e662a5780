import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { Action } from './action.svelte';

describe('Action', () => {
  it('is busy while it runs, then holds the result, and runs what follows', async () => {
    let release!: (v: string) => void;
    let after = 0;
    const a = new Action(() => new Promise<string>((r) => (release = r)), () => after++);
    const p = a.run();
    expect(a.busy).toBe(true);
    // A second press while it runs starts nothing.
    await a.run();
    release('file.csv');
    await p;
    expect(a.busy).toBe(false);
    expect(a.result).toBe('file.csv');
    expect(a.error).toBeNull();
    expect(after).toBe(1);
  });

  it('holds the error as an ApiError and clears the last result on a new run', async () => {
    let fail = false;
    const a = new Action(async () => {
      if (fail) throw new ApiError(409, 'nothing_ready', 'none');
      return 1;
    });
    await a.run();
    expect(a.result).toBe(1);
    fail = true;
    await a.run();
    expect(a.result).toBeNull();
    expect(a.error?.code).toBe('nothing_ready');
    const b = new Action(async () => {
      throw new Error('boom');
    });
    await b.run();
    expect(b.error?.code).toBe('unknown');
  });
});
