// The committed src/api/schema.d.ts is what openapi-typescript makes of the
// committed contract (internal/httpapi/openapi.json): after a change to the
// contract, `npm run gen:api` and commit both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

describe('generated API types', () => {
  it('are up to date with openapi.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-'));
    try {
      const out = join(dir, 'schema.d.ts');
      execFileSync(process.execPath, [join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), join(root, '..', 'internal', 'httpapi', 'openapi.json'), '-o', out], {
        stdio: 'pipe',
        timeout: 60_000,
      });
      expect(readFileSync(join(root, 'src', 'api', 'schema.d.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
