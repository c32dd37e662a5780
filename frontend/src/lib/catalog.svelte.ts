// The card types and industries, fetched once for the whole app and
// replaced when Settings → Catalogs saves them. A failed fetch is not kept:
// the next page that needs the catalog asks again.
import { getCatalog, type Catalog } from '../api/catalog';
import type { Locale } from './i18n';

interface Named {
  code: string;
  nameSv: string;
  nameEn: string;
}

/** The name of a code in the locale, or the code itself when the list does not know it. */
export function nameOf(list: readonly Named[] | undefined, code: string, locale: Locale): string {
  const x = list?.find((c) => c.code === code);
  return x ? (locale === 'sv' ? x.nameSv : x.nameEn) : code;
}

/** A catalog list as select options (value = code, label = name in the locale). */
export function optionsOf(list: readonly Named[] | undefined, locale: Locale): { value: string; label: string }[] {
  return (list ?? []).map((x) => ({ value: x.code, label: locale === 'sv' ? x.nameSv : x.nameEn }));
}

export class CatalogStore {
  /** The catalog, once fetched. */
  value = $state<Catalog | null>(null);

  #fetch: () => Promise<Catalog>;
  #pending: Promise<Catalog> | null = null;
  /** Bumped by set(): a fetch started before it must not overwrite it. */
  #generation = 0;

  constructor(fetch: () => Promise<Catalog>) {
    this.#fetch = fetch;
  }

  /** The catalog: fetched the first time, then the same one. */
  load(): Promise<Catalog> {
    if (this.value) return Promise.resolve(this.value);
    if (this.#pending) return this.#pending;
    const gen = this.#generation;
    const p = this.#fetch().then(
      (c) => {
        if (gen !== this.#generation) return this.value ?? c;
        this.value = c;
        return c;
      },
      (e: unknown) => {
        if (this.#pending === p) this.#pending = null;
        throw e;
      },
    );
    this.#pending = p;
    return p;
  }

  /** The catalog as just saved: every page shows it from now on. */
  set(c: Catalog): void {
    this.#generation++;
    this.#pending = null;
    this.value = c;
  }

  cardTypeName(code: string, locale: Locale): string {
    return nameOf(this.value?.cardTypes, code, locale);
  }

  industryName(code: string, locale: Locale): string {
    return nameOf(this.value?.industries, code, locale);
  }
}

export const catalog = new CatalogStore(getCatalog);
