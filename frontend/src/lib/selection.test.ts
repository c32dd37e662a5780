import { describe, expect, it } from 'vitest';
import { Selection } from './selection.svelte';

describe('Selection', () => {
  it('ticks and clears single rows', () => {
    const s = new Selection();
    s.toggle('a');
    s.toggle('b');
    expect(s.has('a')).toBe(true);
    expect(s.size).toBe(2);
    s.toggle('a');
    expect(s.has('a')).toBe(false);
    s.toggle('b', true);
    expect(s.ids).toEqual(['b']);
    s.toggle('c', false);
    expect(s.ids).toEqual(['b']);
  });

  it('shows none, some or all of a page in the head box', () => {
    const s = new Selection();
    const page = ['a', 'b', 'c'];
    expect(s.pageState(page)).toBe('none');
    s.toggle('b');
    expect(s.pageState(page)).toBe('some');
    s.toggle('a');
    s.toggle('c');
    expect(s.pageState(page)).toBe('all');
    expect(s.pageState([])).toBe('none');
  });

  it('the head box ticks the whole page, then clears it, and leaves other pages alone', () => {
    const s = new Selection();
    s.toggle('x'); // on another page
    s.toggle('b');
    s.togglePage(['a', 'b', 'c']);
    expect(s.ids.sort()).toEqual(['a', 'b', 'c', 'x']);
    s.togglePage(['a', 'b', 'c']);
    expect(s.ids).toEqual(['x']);
    s.clear();
    expect(s.size).toBe(0);
  });
});
