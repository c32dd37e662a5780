// Colours come only from the design tokens: the custom properties in
// app.css's :root blocks. A hex or rgb()/hsl() literal anywhere else in the
// frontend's styles and markup fails this test, so a new screen cannot drift
// from the palette (issue 11: there were 161 such literals beside the tokens).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(__dirname, '..');
const TOKENS_FILE = 'app.css';

/** #abc, #abcd, #aabbcc, #aabbccdd (not an HTML entity &#123; or a {#block}), rgb()/rgba()/hsl()/hsla(). */
const LITERAL = /(?<![&\w{])#(?:[0-9a-f]{8}|[0-9a-f]{6}|[0-9a-f]{3,4})\b|\b(?:rgba?|hsla?)\(/gi;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    if (/\.test\.ts$/.test(e.name)) return [];
    return /\.(svelte|css|ts)$/.test(e.name) ? [p] : [];
  });
}

/** Blanks the bodies of `:root { … }` blocks (where the tokens are defined), keeping line numbers. */
export function withoutTokenDefinitions(css: string): string {
  return css.replace(/:root\s*\{[^}]*\}/g, (block) => block.replace(/[^\n]/g, ' '));
}

/** Every colour literal as "file:line: text". */
export function colourLiterals(path: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(LITERAL)) out.push(`${path}:${i + 1}: ${m[0]} in ${line.trim()}`);
  });
  return out;
}

describe('colours', () => {
  it('finds literals the way the rule means it', () => {
    expect(colourLiterals('x.svelte', 'color: #fff; border: 1px solid #E8590C;')).toHaveLength(2);
    expect(colourLiterals('x.svelte', 'box-shadow: 0 0 0 2px rgba(0, 0, 0, 0.3); color: rgb(1 2 3); fill: hsl(0 0% 0%)')).toHaveLength(3);
    expect(colourLiterals('x.svelte', '{#each items as x}{#if a}<a href="#main">&#123;</a>{/if}{/each} color: var(--text);')).toEqual([]);
    expect(colourLiterals('app.css', withoutTokenDefinitions(':root {\n  --white: #fff;\n}\n.a { color: #fff; }'))).toEqual([
      'app.css:4: #fff in .a { color: #fff; }',
    ]);
  });

  it('are written only through the tokens (CSS custom properties in app.css :root)', () => {
    const found = files(src).flatMap((p) => {
      const rel = relative(src, p);
      const text = readFileSync(p, 'utf8');
      return colourLiterals(rel, rel === TOKENS_FILE ? withoutTokenDefinitions(text) : text);
    });
    expect(found).toEqual([]);
  });
});
