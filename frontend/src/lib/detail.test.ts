import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { DetailLoader } from './detail.svelte';

function manual() {
  const answers: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
  const loader = new DetailLoader<string>(() => new Promise((resolve, reject) => answers.push({ resolve, reject })));
  return { loader, answers };
}

describe('detail loader', () => {
  it('is loading until the first answer, then holds it', async () => {
    const { loader, answers } = manual();
    expect(loader.loading).toBe(true);
    const p = loader.load();
    answers[0].resolve('inv 1');
    await p;
    expect(loader.value).toBe('inv 1');
    expect(loader.loading).toBe(false);
    expect(loader.error).toBeNull();
  });

  it('keeps what it showed on an error, and Retry clears the error', async () => {
    const { loader, answers } = manual();
    const a = loader.load();
    answers[0].resolve('inv 1');
    await a;
    const b = loader.load();
    answers[1].reject(new ApiError(404, 'not_found', 'gone'));
    await b;
    expect(loader.error?.code).toBe('not_found');
    expect(loader.value).toBe('inv 1');
    const c = loader.load();
    answers[2].resolve('inv 1 again');
    await c;
    expect(loader.error).toBeNull();
    expect(loader.value).toBe('inv 1 again');
  });

  it('keeps the newest answer when an older load answers last', async () => {
    const { loader, answers } = manual();
    const a = loader.load();
    const b = loader.load();
    answers[1].resolve('new');
    await b;
    answers[0].resolve('old');
    await a;
    expect(loader.value).toBe('new');
    expect(loader.loading).toBe(false);
  });

  it('takes the answer of an action, and a load under way does not bring the old state back', async () => {
    const { loader, answers } = manual();
    const a = loader.load();
    loader.set('checked');
    answers[0].resolve('unchecked');
    await a;
    expect(loader.value).toBe('checked');
    expect(loader.loading).toBe(false);
  });
});
