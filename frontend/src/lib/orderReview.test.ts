// The order review screens: every event kind, status, reason and identity
// proof the server can send has words in both languages, and the pure
// helpers behind the list's bulk actions, the detail's timeline and its
// edit form.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dictionaries, hasKey, LOCALES } from './i18n';
import { bulkErrorText, canSendSelection, editPatch, editValues, eventView, localDay, orderFieldText, proofText } from './orders';
import { statusInput } from './recordForm.svelte';
import { newPhotoFirst, reopenBannerShown } from './register';
import { orderQuery, ordersCsvQuery, ORDER_STATUSES, RECORDABLE_STATUSES, REOPEN_REASONS } from '../api/orders';

const repo = join(__dirname, '..', '..', '..');
const openapi = JSON.parse(readFileSync(join(repo, 'internal', 'httpapi', 'openapi.json'), 'utf8'));
const schemas = openapi.components.schemas;

/** The timeline's kinds: the Event constants of internal/invite (OrderEvent.kind has no enum). */
function eventKinds(): string[] {
  const src = readFileSync(join(repo, 'internal', 'invite', 'invitation.go'), 'utf8');
  const kinds = [...src.matchAll(/^\s*Event\w+\s*=\s*"([a-z_]+)"/gm)].map((m) => m[1]);
  return [...new Set(kinds)];
}

function labelled(prefix: string, values: readonly string[]): string[] {
  const missing: string[] = [];
  for (const v of values) {
    const key = `${prefix}${v}`;
    if (!hasKey(key)) {
      missing.push(key);
      continue;
    }
    for (const l of LOCALES) if (!dictionaries[l][key]?.trim()) missing.push(`${l}:${key}`);
  }
  return missing;
}

describe('words for what the server sends', () => {
  it('every timeline event kind of internal/invite has a label in sv and en', () => {
    const kinds = eventKinds();
    // The constants were found (a changed declaration style must not make this pass empty).
    expect(kinds).toEqual(expect.arrayContaining(['created', 'ready', 'sent_to_nexus', 'rejected_to_cardholder', 'ready_again', 'delivered']));
    expect(labelled('event.', kinds)).toEqual([]);
  });

  it('every order status, reject reason and identity proof of the contract has words', () => {
    expect([...ORDER_STATUSES].sort()).toEqual([...schemas.OrderStatus.enum].sort());
    expect([...RECORDABLE_STATUSES].sort()).toEqual([...schemas.RecordableStatus.enum].sort());
    expect([...REOPEN_REASONS].sort()).toEqual([...schemas.ReopenReason.enum].sort());
    expect(labelled('status.', schemas.OrderStatus.enum)).toEqual([]);
    expect(labelled('orders.reason.', schemas.ReopenReason.enum)).toEqual([]);
    expect(labelled('register.reopen.reason.', schemas.ReopenReason.enum)).toEqual([]);
    expect(labelled('orders.proof.', schemas.IdentityProof.enum)).toEqual([]);
  });
});

describe('eventView', () => {
  it('reads each kind’s detail', () => {
    expect(eventView('en', { kind: 'rejected_to_cardholder', detail: 'photo_not_accepted: Too dark: retake it' })).toEqual({
      label: 'Sent back to the cardholder',
      detail: 'Photo not accepted',
      note: 'Too dark: retake it',
      batchId: '',
    });
    expect(eventView('sv', { kind: 'rejected_to_cardholder', detail: 'name_misspelt' }).detail).toBe('Namnet är felstavat');
    expect(eventView('en', { kind: 'edited', detail: 'phone,cost_centre' }).label).toBe('Corrected by the admin (mobile phone, cost centre)');
    expect(eventView('sv', { kind: 'ready_again', detail: 'photo' }).detail).toBe('Ändrat: foto');
    expect(eventView('en', { kind: 'sent_to_nexus', detail: 'NX-20261201-ABCDEF' })).toMatchObject({ label: 'Sent to Nexus', batchId: 'NX-20261201-ABCDEF', detail: '' });
    expect(eventView('en', { kind: 'rejected_by_nexus', detail: 'Photo too dark' })).toMatchObject({ label: 'Rejected by Nexus', note: 'Photo too dark' });
    expect(eventView('en', { kind: 'delivered', detail: '2026-12-03' }).detail).toMatch(/^3 Dec(ember)? 2026$/);
    expect(eventView('sv', { kind: 'registered', detail: 'kiosk' }).detail).toBe('Kiosk');
    // A kind the UI does not know yet still shows, as it is.
    expect(eventView('en', { kind: 'teleported', detail: 'x' })).toMatchObject({ label: 'teleported', detail: 'x' });
  });
});

describe('bulk actions', () => {
  it('sends only a selection of ready orders', () => {
    expect(canSendSelection(['ready', 'ready'])).toBe(true);
    expect(canSendSelection(['ready', 'sent_to_nexus'])).toBe(false);
    expect(canSendSelection(['ready', undefined])).toBe(false);
    expect(canSendSelection([])).toBe(false);
  });

  it('sends only what the chosen status takes', () => {
    expect(statusInput(['a'], 'rejected_by_nexus', ' blurry ', '2026-01-01')).toEqual({ ids: ['a'], status: 'rejected_by_nexus', reason: 'blurry' });
    expect(statusInput(['a', 'b'], 'delivered', 'x', '2026-01-02')).toEqual({ ids: ['a', 'b'], status: 'delivered', date: '2026-01-02' });
    expect(statusInput(['a'], 'in_production', 'x', '2026-01-02')).toEqual({ ids: ['a'], status: 'in_production' });
    expect(statusInput(['a'], 'cancelled', '  ', '')).toEqual({ ids: ['a'], status: 'cancelled' });
  });

  it('shows the server’s sentence naming the orders a move refused', () => {
    const refused = { code: 'conflict', message: 'Nothing was changed: Anna Berg is delivered and cannot become in production.', details: { orders: 'x' } };
    expect(bulkErrorText('en', refused, 'orders.bulk')).toBe(refused.message);
    expect(bulkErrorText('en', { code: 'conflict', message: 'm' }, 'orders.bulk')).not.toBe('m');
    expect(bulkErrorText('en', { code: 'nexus_photo', message: 'raw' }, 'orders.bulk')).toMatch(/Nexus/);
  });

  it('filters the list and the CSV alike; personnummer only when asked', () => {
    const f = { status: 'ready', cardType: 'ID06', industry: '', where: 'kiosk', from: '2026-01-01', to: '', q: ' berg ' };
    expect(orderQuery({ ...f, page: 2 })).toEqual({ status: 'ready', cardType: 'ID06', where: 'kiosk', from: '2026-01-01', q: 'berg', page: '2' });
    expect(ordersCsvQuery(f, false)).toEqual({ status: 'ready', cardType: 'ID06', where: 'kiosk', from: '2026-01-01', q: 'berg' });
    expect(ordersCsvQuery({}, true)).toEqual({ personnummer: '1' });
    expect(ordersCsvQuery({}, false)).toEqual({});
  });

  it('today is the local calendar day', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('order detail', () => {
  const base = {
    firstName: 'Anna',
    lastName: 'Berg',
    phone: '+46701234567',
    costCentre: '',
    delivery: { useCompany: true, address: { name: 'E2E Bygg AB', careOf: '', street: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' } },
  };

  it('sends only the fields the admin changed', () => {
    const v = editValues(base);
    expect(editPatch(base, v, true)).toBeNull();
    expect(v.address.street).toBe('');
    expect(editPatch(base, { ...v, costCentre: ' 4711 ' }, false)).toEqual({ costCentre: '4711' });
    // Names go only while the server allows editing them.
    expect(editPatch(base, { ...v, firstName: 'Ana' }, false)).toBeNull();
    expect(editPatch(base, { ...v, firstName: 'Ana' }, true)).toEqual({ firstName: 'Ana' });
    const other = { ...v, useCompany: false, address: { name: 'Anna Berg', careOf: '', street: 'Väg 2', postalCode: '222 33', city: 'Lund', country: 'SE' } };
    expect(editPatch(base, other, false)).toEqual({ delivery: { useCompany: false, address: other.address } });
    const atHome = { ...base, delivery: { useCompany: false, address: other.address } };
    expect(editPatch(atHome, editValues(atHome), false)).toBeNull();
    expect(editPatch(atHome, { ...editValues(atHome), useCompany: true }, false)?.delivery?.useCompany).toBe(true);
  });

  it('words a field error by field and code, else the server’s message', () => {
    expect(orderFieldText('en', 'phone', 'format', 'srv')).toMatch(/mobile number/);
    expect(orderFieldText('sv', 'date', 'future', 'srv')).toBe('Leveransdagen ligger i framtiden.');
    expect(orderFieldText('en', 'first_name', 'locked', 'srv')).toBe('Verified with BankID; cannot be changed.');
    expect(orderFieldText('en', 'street', 'odd_code', 'The server says so.')).toBe('The server says so.');
  });

  it('says how the identity was proven', () => {
    expect(proofText('en', 'manual_partner', 'Sistec')).toBe('Manual + Sistec');
    expect(proofText('sv', 'bankid_passport', '')).toBe('BankID + pass');
    expect(proofText('en', 'bankid', 'Sistec')).toBe('BankID');
  });
});

describe('reopened registration', () => {
  const reopen = { orderId: 'o', reason: 'photo_not_accepted' as const, note: 'Too dark', fix: 'photo' as const };
  it('shows the reason at the step to fix and at the review only', () => {
    expect(reopenBannerShown(reopen, 'photo')).toBe(true);
    expect(reopenBannerShown(reopen, 'review')).toBe(true);
    expect(reopenBannerShown(reopen, 'personal')).toBe(false);
    expect(reopenBannerShown({ ...reopen, fix: '' }, 'photo')).toBe(false);
    expect(reopenBannerShown(undefined, 'photo')).toBe(false);
  });

  it('starts the photo step at a new photo while the refused one is still the order’s', () => {
    const photo = { version: 1, sourceWidth: 700, sourceHeight: 900, crop: { x: 0, y: 0, width: 700, height: 900 }, ok: true, problems: [], rendered: true };
    expect(newPhotoFirst({ reopen, photo: { ...photo, fromOrder: true } })).toBe(true);
    expect(newPhotoFirst({ reopen, photo: { ...photo, fromOrder: false } })).toBe(false);
    expect(newPhotoFirst({ reopen: { ...reopen, reason: 'address_wrong', fix: 'delivery' }, photo: { ...photo, fromOrder: true } })).toBe(false);
    expect(newPhotoFirst({ photo: { ...photo, fromOrder: true } })).toBe(false);
  });
});
