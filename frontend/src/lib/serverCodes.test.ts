// Every error code the server can answer with, and every setting it has,
// must have its words in i18n.ts in both languages. serverCodes.json is
// generated from the Go source and kept current by a Go test
// (go test ./internal/httpapi -run TestServerCodesFile -update).
import { describe, expect, it } from 'vitest';
import { dictionaries, LOCALES } from './i18n';
import codes from './serverCodes.json';

function missing(keys: string[]): string[] {
  const out: string[] = [];
  for (const locale of LOCALES) {
    const dict = dictionaries[locale] as Record<string, string>;
    for (const k of keys) {
      if (!dict[k]?.trim()) out.push(`${locale}: ${k}`);
    }
  }
  return out;
}

describe('server codes', () => {
  it('the list is not empty', () => {
    expect(codes.errorCodes.length).toBeGreaterThan(20);
    expect(codes.settingKeys.length).toBeGreaterThan(20);
  });

  it('every error code has error.<code> in Swedish and English', () => {
    expect(missing(codes.errorCodes.map((c) => `error.${c}`))).toEqual([]);
  });

  it('every setting has a label and a help text in Swedish and English', () => {
    const keys = codes.settingKeys.flatMap((k) => [`settings.field.${k}`, `settings.help.${k}`]);
    expect(missing(keys)).toEqual([]);
  });
});
