import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dictionaries, LOCALES } from './i18n';
import { actionLabelKey, auditApiQuery, AUDIT_FILTERS, localDayStart, subjectPath } from './audit';
import { ListQuery } from './listQuery.svelte';
import { parseHash } from './router';

const contract = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'internal', 'httpapi', 'openapi.json'), 'utf8'));
const enumOf = (schema: string): string[] => contract.components.schemas[schema].enum;

describe('audit labels', () => {
  it('the contract lists the actions and actor kinds', () => {
    expect(enumOf('AuditAction').length).toBeGreaterThan(25);
    expect(enumOf('AuditActorKind')).toContain('cardholder');
  });

  it('every action and actor kind of the contract has a label in Swedish and English', () => {
    const missing: string[] = [];
    const wanted = [...enumOf('AuditAction').map((a) => `audit.action.${a}`), ...enumOf('AuditActorKind').map((k) => `audit.actor.${k}`)];
    for (const locale of LOCALES) {
      const d = dictionaries[locale] as Record<string, string>;
      for (const key of wanted) if (!d[key]?.trim()) missing.push(`${locale}: ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('labels no action the contract does not know (a renamed action would leave its old label behind)', () => {
    const known = new Set(enumOf('AuditAction'));
    const stale = Object.keys(dictionaries.sv).filter((k) => k.startsWith('audit.action.') && !known.has(k.slice('audit.action.'.length)));
    expect(stale).toEqual([]);
  });

  it('shows an action a newer server sends as it is', () => {
    expect(actionLabelKey('nexus.batch_created')).toBe('audit.action.nexus.batch_created');
    expect(actionLabelKey('something.new')).toBeNull();
  });
});

describe('audit filters ⇄ address ⇄ API', () => {
  function list(initial: Record<string, string>) {
    const paths: string[] = [];
    const q = new ListQuery<null>({
      path: '/audit',
      filters: AUDIT_FILTERS,
      initial,
      navigate: (p) => paths.push(p),
      load: async () => null,
    });
    return { q, paths };
  }

  it('keeps every filter in the address, back to page 1 on a change, and reads them back', () => {
    const { q, paths } = list({ action: 'order.viewed', page: '3' });
    q.set({ actorKind: 'admin', from: '2026-12-01', to: '2026-12-04' });
    q.text = 'NX-2026';
    q.search();
    expect(paths[0]).toBe('/audit?action=order.viewed&actorKind=admin&from=2026-12-01&to=2026-12-04');
    const back = parseHash('#' + paths[0]).query;
    expect(back).toEqual({ action: 'order.viewed', actorKind: 'admin', from: '2026-12-01', to: '2026-12-04' });
    expect(parseHash('#' + paths[1]).query).toEqual({ action: 'order.viewed', q: 'NX-2026' });
    expect(list(back).q.filtered).toBe(true);
    expect(list({ page: '2' }).q.filtered).toBe(false);
  });

  it('sends the days as the admin\'s local days: from its start, to the start of the day after', () => {
    const api = auditApiQuery({ action: 'nexus.batch_created', actorKind: 'window', from: '2026-12-01', to: '2026-12-04', q: ' anna ', page: '2' });
    expect(api.action).toBe('nexus.batch_created');
    expect(api.actorKind).toBe('window');
    expect(api.q).toBe('anna');
    expect(api.page).toBeUndefined();
    expect(new Date(api.from).getTime()).toBe(new Date(2026, 11, 1).getTime());
    expect(new Date(api.to).getTime()).toBe(new Date(2026, 11, 5).getTime());
    expect(api.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('leaves out what is not a date, and empty filters', () => {
    expect(auditApiQuery({ from: 'yesterday', to: '2026-02-30', action: '', q: '  ' })).toEqual({});
    expect(localDayStart('2026-12-31', 1)).toBe(new Date(2027, 0, 1).toISOString());
    expect(localDayStart('31/12/2026')).toBeNull();
  });
});

describe('audit subjects', () => {
  it('link to the invitation, order or batch a line is about', () => {
    expect(subjectPath('invitation.sent', 'inv 1')).toBe('/invitations/inv%201');
    expect(subjectPath('order.viewed', 'o1')).toBe('/orders/o1');
    expect(subjectPath('nexus.batch_created', 'NX-20261204-ABCDEF')).toBe('/nexus/batches/NX-20261204-ABCDEF');
    expect(subjectPath('keys.rotated', 'k2')).toBeNull();
    expect(subjectPath('invitations.created', '')).toBeNull();
    expect(subjectPath('order.viewed', '')).toBeNull();
  });
});
