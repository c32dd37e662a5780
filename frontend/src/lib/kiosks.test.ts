import { describe, expect, it } from 'vitest';
import { bundleFile, importCounts, importTone, kioskState } from './kiosks';

describe('kioskState', () => {
  it('tells revoked, joined and waiting apart', () => {
    expect(kioskState({ joined: true, revokedAt: '2026-12-01T10:00:00Z' })).toBe('revoked');
    expect(kioskState({ joined: false, revokedAt: '2026-12-01T10:00:00Z' })).toBe('revoked');
    expect(kioskState({ joined: true })).toBe('joined');
    expect(kioskState({ joined: false })).toBe('waiting');
  });
});

describe('bundleFile', () => {
  const f = (name: string) => new File(['x'], name);
  it('takes exactly one file', () => {
    expect(bundleFile([f('a.id06sync')])?.name).toBe('a.id06sync');
    expect(bundleFile([f('a'), f('b')])).toBeNull();
    expect(bundleFile([])).toBeNull();
    expect(bundleFile(null)).toBeNull();
  });
});

describe('importCounts', () => {
  it('shows applied always and the rest when not zero', () => {
    expect(importCounts({ applied: 0, already: 2, conflicts: 0, refused: 1 })).toEqual([
      { key: 'applied', n: 0 },
      { key: 'already', n: 2 },
      { key: 'refused', n: 1 },
    ]);
  });
  it('warns on conflicts and refusals only', () => {
    expect(importTone({ conflicts: 0, refused: 0 })).toBe('ok');
    expect(importTone({ conflicts: 1, refused: 0 })).toBe('warn');
    expect(importTone({ conflicts: 0, refused: 2 })).toBe('warn');
  });
});
