import { describe, expect, it } from 'vitest';
import type { Catalog } from '../api/catalog';
import { CatalogStore, nameOf } from './catalog.svelte';

function cat(name: string): Catalog {
  return {
    cardTypes: [{ code: 'A', nameSv: `${name} sv`, nameEn: `${name} en`, rfid: false, active: true }],
    industries: [{ code: 'BYGG', nameSv: 'Bygg', nameEn: 'Construction', active: true }],
  };
}

describe('catalog store', () => {
  it('fetches once, however many pages ask, at once or later', async () => {
    let fetches = 0;
    const store = new CatalogStore(async () => {
      fetches++;
      return cat('first');
    });
    const [a, b] = await Promise.all([store.load(), store.load()]);
    const c = await store.load();
    expect(fetches).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(store.cardTypeName('A', 'sv')).toBe('first sv');
    expect(store.cardTypeName('A', 'en')).toBe('first en');
    expect(store.industryName('BYGG', 'en')).toBe('Construction');
  });

  it('asks again after a failed fetch', async () => {
    let fetches = 0;
    const store = new CatalogStore(async () => {
      fetches++;
      if (fetches === 1) throw new Error('offline');
      return cat('second');
    });
    await expect(store.load()).rejects.toThrow('offline');
    expect(store.value).toBeNull();
    expect((await store.load()).cardTypes[0].nameEn).toBe('second en');
    expect(fetches).toBe(2);
  });

  it('shows what Settings saved, and a fetch that was under way does not bring the old one back', async () => {
    let answer!: (c: Catalog) => void;
    const store = new CatalogStore(() => new Promise((res) => (answer = res)));
    const loading = store.load();
    store.set(cat('saved'));
    answer(cat('old'));
    await loading;
    expect(store.value?.cardTypes[0].nameEn).toBe('saved en');
    expect((await store.load()).cardTypes[0].nameEn).toBe('saved en');
  });

  it('names an unknown code by the code', () => {
    expect(nameOf(undefined, 'X', 'sv')).toBe('X');
    expect(nameOf(cat('a').cardTypes, 'X', 'en')).toBe('X');
  });
});
