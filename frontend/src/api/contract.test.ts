// The API modules take their types from the contract (schema.d.ts, generated
// from internal/httpapi/openapi.json), not from interfaces written again by
// hand: a shape the server sends is an alias of a generated schema, and every
// call names the type it answers with.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = __dirname;
const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));

/** Shapes that exist only in the client: call parameters and local values, never an answer. */
const CLIENT_ONLY = new Set(['RequestOptions', 'BlobResponse', 'ListParams', 'OrderListParams', 'Size', 'Frame']);

describe('API modules', () => {
  it('declare no interface for what the server sends', () => {
    const found: string[] = [];
    for (const f of modules) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const m of src.matchAll(/^export interface (\w+)/gm)) if (!CLIENT_ONLY.has(m[1])) found.push(`${f}: ${m[1]}`);
    }
    expect(found).toEqual([]);
  });

  it('name the answer type of every request', () => {
    const untyped: string[] = [];
    for (const f of modules) {
      if (f === 'client.ts') continue;
      const src = readFileSync(join(dir, f), 'utf8');
      for (const m of src.matchAll(/\brequest(<[^(]*>)?\(/g)) {
        const line = src.slice(0, m.index).split('\n').length;
        if (!m[1] || m[1] === '<unknown>') untyped.push(`${f}:${line}`);
      }
    }
    expect(untyped).toEqual([]);
  });
});
