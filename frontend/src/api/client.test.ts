import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, fileNameOf, getRequestLocale, parseRetryAfter, request, requestBlob, setRequestLocale } from './client';
import { exportAuditCsv } from './audit';
import { exportInvitationsCsv } from './invitations';
import { createBatches, downloadBatch } from './nexus';
import { getHealth } from './health';
import {
  confirmRegistration,
  getSession,
  listCountries,
  lookupCode,
  normalizeSession,
  photoSourceUrl,
  photoUrl,
  saveCrop,
  saveDelivery,
  saveMethod,
  savePersonal,
  uploadPhoto,
  type RegistrationSession,
} from './register';
import { listOrders, markIdentityChecked, orderThumbUrl } from './orders';
import { login } from './session';
import { parseCsv, qrUrl } from './invitations';

function mockFetch(response: Response | Error) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => {
    if (response instanceof Error) throw response;
    return response;
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

/** A fresh answer for every call (a Response body can be read once). */
function mockFetchEach(make: () => Response) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => make());
  vi.stubGlobal('fetch', fn);
  return fn;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the request to fail');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('request', () => {
  it('sends JSON with same-origin credentials and parses the answer', async () => {
    const fn = mockFetch(json(200, { authenticated: true }));
    await expect(login('pw')).resolves.toEqual({ authenticated: true });
    const [url, init] = fn.mock.calls[0];
    expect(url).toBe('/api/login');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe('{"password":"pw"}');
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  // The server answers 415 to a JSON body under any other type (a page of
  // another site can send text/plain without asking): every JSON value is
  // sent as application/json, and a call without a body sends no type.
  it('sends every JSON body as application/json, and no type without a body', async () => {
    const fn = mockFetchEach(() => new Response(null, { status: 204 }));
    const values: unknown[] = [{ a: 1 }, [], 'text', 0, false, null, {}];
    for (const body of values) await request('PUT', '/api/settings', { body });
    await request('POST', '/api/keys/rotate');
    const sent = fn.mock.calls.map(([, init]) => ({
      type: (init?.headers as Record<string, string>)['Content-Type'],
      body: init?.body,
    }));
    expect(sent.slice(0, values.length)).toEqual(values.map((v) => ({ type: 'application/json', body: JSON.stringify(v) })));
    expect(sent.at(-1)).toEqual({ type: undefined, body: undefined });
  });

  it('asks the server to answer in the UI language on every call', async () => {
    const before = getRequestLocale();
    try {
      const fn = mockFetchEach(() => json(200, {}));
      setRequestLocale('sv');
      await request('GET', '/api/health');
      expect((fn.mock.calls[0][1]?.headers as Record<string, string>)['Accept-Language']).toBe('sv');
      setRequestLocale('en');
      await request('PUT', '/api/settings', { body: { values: {} } });
      expect((fn.mock.calls[1][1]?.headers as Record<string, string>)['Accept-Language']).toBe('en');
      await requestBlob('GET', '/api/kiosk/camera/frame.jpg');
      expect((fn.mock.calls[2][1]?.headers as Record<string, string>)['Accept-Language']).toBe('en');
    } finally {
      setRequestLocale(before);
    }
  });

  it('keeps the field codes beside the field messages', async () => {
    mockFetch(json(400, {
      error: { code: 'invalid', message: 'Några fält behöver rättas.', fields: { personnummer: 'Kontrollsiffran stämmer inte.' }, fieldCodes: { personnummer: 'checksum', n: 1 } },
    }));
    const e = await caught(request('PUT', '/api/register/t/personal', { body: {} }));
    expect(e.fields).toEqual({ personnummer: 'Kontrollsiffran stämmer inte.' });
    expect(e.fieldCodes).toEqual({ personnummer: 'checksum' });
  });

  it('returns undefined for 204', async () => {
    mockFetch(new Response(null, { status: 204 }));
    await expect(request('POST', '/api/ui-ready', { body: { route: '#/' } })).resolves.toBeUndefined();
  });

  it('parses the error envelope', async () => {
    mockFetch(json(401, { error: { code: 'invalid_password', message: 'Wrong password.' } }));
    const e = await caught(login('x'));
    expect(e.status).toBe(401);
    expect(e.code).toBe('invalid_password');
    expect(e.message).toBe('Wrong password.');
    expect(e.retryAfter).toBeUndefined();
  });

  it('keeps per-field errors and the whole body (e.g. rows of a failed create)', async () => {
    mockFetch(json(400, {
      error: { code: 'invalid', message: 'Some settings are not valid.', fields: { 'company.org_number': 'bad check digit', n: 5 } },
      rows: [{ index: 0, ok: false, errors: {} }],
    }));
    const e = await caught(request('PUT', '/api/settings', { body: { values: {} } }));
    expect(e.code).toBe('invalid');
    expect(e.fields).toEqual({ 'company.org_number': 'bad check digit' });
    expect((e.body as { rows: unknown[] }).rows).toHaveLength(1);
  });

  it('sends a raw body with its own content type (CSV)', async () => {
    const fn = mockFetch(json(200, { rows: [], errors: [] }));
    await parseCsv('email\na@b.se\n');
    const [url, init] = fn.mock.calls[0];
    expect(url).toBe('/api/invitations/parse-csv');
    expect(init?.body).toBe('email\na@b.se\n');
    expect((init?.headers as Record<string, string>)['Content-Type']).toMatch(/^text\/csv/);
  });

  it('reads Retry-After on 429', async () => {
    mockFetch(json(429, { error: { code: 'rate_limited', message: 'Slow down.' } }, { 'Retry-After': '42' }));
    const e = await caught(login('x'));
    expect(e.code).toBe('rate_limited');
    expect(e.retryAfter).toBe(42);
  });

  it('falls back to a code from the status when the body is not the envelope', async () => {
    mockFetch(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const e = await caught(request('GET', '/api/session'));
    expect(e.status).toBe(502);
    expect(e.code).toBe('internal');
    expect(e.message).toBe('Bad Gateway');

    mockFetch(new Response('', { status: 404 }));
    expect((await caught(request('GET', '/api/x'))).code).toBe('not_found');
  });

  it('turns a failed fetch into a network error', async () => {
    mockFetch(new TypeError('Failed to fetch'));
    const e = await caught(request('GET', '/api/session'));
    expect(e.status).toBe(0);
    expect(e.code).toBe('network');
  });

  it('rejects paths outside /api/', async () => {
    await expect(request('GET', '/other')).rejects.toThrow(/api/);
  });
});

describe('feature modules', () => {
  it('health accepts a degraded 503 answer', async () => {
    const body = { status: 'degraded', version: '0.1.0', database: { ok: false, error: 'locked' }, dataDir: '/d', mode: 'serve' };
    mockFetch(json(503, body));
    await expect(getHealth()).resolves.toEqual(body);
  });

  it('register lookup posts the code; not_found surfaces as ApiError', async () => {
    const fn = mockFetch(json(404, { error: { code: 'not_found', message: 'no such code' } }));
    const e = await caught(lookupCode('ABCDEFGH'));
    expect(e.code).toBe('not_found');
    expect(fn.mock.calls[0][0]).toBe('/api/register/lookup');
    expect(fn.mock.calls[0][1]?.body).toBe('{"code":"ABCDEFGH"}');
  });

  it('register lookup at the kiosk sends the visit id; the wait comes from Retry-After', async () => {
    const fn = mockFetch(json(429, { error: { code: 'rate_limited', message: 'Wait 8 seconds' } }, { 'Retry-After': '8' }));
    const e = await caught(lookupCode('ABCDEFGH', 'v-1234567890123456789_'));
    expect(fn.mock.calls[0][1]?.body).toBe('{"code":"ABCDEFGH","visit":"v-1234567890123456789_"}');
    expect(e.code).toBe('rate_limited');
    expect(e.retryAfter).toBe(8);
  });

  it('keeps error details (dates, company) for the message', async () => {
    mockFetch(json(410, {
      error: { code: 'invitation_expired', message: 'expired', details: { expiredOn: '2026-12-03T10:00:00Z', company: 'Bygg AB', n: 3, x: {} } },
    }));
    const e = await caught(getSession('v1.abc'));
    expect(e.status).toBe(410);
    expect(e.code).toBe('invitation_expired');
    expect(e.details).toEqual({ expiredOn: '2026-12-03T10:00:00Z', company: 'Bygg AB', n: '3' });
  });
});

describe('register module', () => {
  const tok = 'v1.a-b_c.d';

  it('puts the token in the path and sends each step as JSON', async () => {
    const fn = mockFetchEach(() => json(200, {}));
    await getSession(tok);
    await saveMethod(tok, 'manual');
    await savePersonal(tok, {
      firstName: 'Anna', lastName: 'Berg', hasPersonnummer: true, personnummer: '19811218-9876',
      birthDate: '', nationality: '', idNumber: '', phone: '070-123 45 67',
    });
    await saveCrop(tok, { x: 1, y: 2, width: 602, height: 774 });
    await saveDelivery(tok, { useCompany: true });
    await confirmRegistration(tok);
    const calls = fn.mock.calls.map(([url, init]) => [init?.method, url, init?.body]);
    expect(calls).toEqual([
      ['GET', '/api/register/v1.a-b_c.d', undefined],
      ['PUT', '/api/register/v1.a-b_c.d/method', '{"method":"manual"}'],
      ['PUT', '/api/register/v1.a-b_c.d/personal', '{"firstName":"Anna","lastName":"Berg","hasPersonnummer":true,"personnummer":"19811218-9876","birthDate":"","nationality":"","idNumber":"","phone":"070-123 45 67"}'],
      ['PUT', '/api/register/v1.a-b_c.d/photo/crop', '{"x":1,"y":2,"width":602,"height":774}'],
      ['PUT', '/api/register/v1.a-b_c.d/delivery', '{"useCompany":true}'],
      ['POST', '/api/register/v1.a-b_c.d/confirm', undefined],
    ]);
  });

  it('uploads the photo as the raw body with its type', async () => {
    const fn = mockFetchEach(() => json(200, {}));
    const png = new Blob([new Uint8Array([0x89, 0x50])], { type: 'image/png' });
    await uploadPhoto(tok, png);
    const [url, init] = fn.mock.calls[0];
    expect(url).toBe('/api/register/v1.a-b_c.d/photo');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe(png);
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('image/png');
    await uploadPhoto(tok, new Blob([new Uint8Array([0xff, 0xd8])]));
    expect((fn.mock.calls[1][1]?.headers as Record<string, string>)['Content-Type']).toBe('image/jpeg');
  });

  it('builds image URLs with the version as cache buster and asks countries by language', async () => {
    expect(photoSourceUrl('a/b', 3)).toBe('/api/register/a%2Fb/photo/source.jpg?v=3');
    expect(photoUrl(tok, 4)).toBe('/api/register/v1.a-b_c.d/photo.jpg?v=4');
    const fn = mockFetch(json(200, [{ code: 'SE', name: 'Sverige' }]));
    await expect(listCountries('sv')).resolves.toEqual([{ code: 'SE', name: 'Sverige' }]);
    expect(fn.mock.calls[0][0]).toBe('/api/register/countries?lang=sv');
  });
});

describe('register normalizers', () => {
  it('fill the personal fields the server leaves out and default the rest', () => {
    const s = normalizeSession({
      invitation: { email: 'a@b.se', company: 'Bygg AB' },
      step: 'photo',
      method: 'manual',
      personal: { firstName: 'Anna', lastName: 'Berg', hasPersonnummer: true, personnummer: '198112189876', phone: '+46701234567' },
    } as unknown as RegistrationSession);
    expect(s.personal).toEqual({
      firstName: 'Anna', lastName: 'Berg', hasPersonnummer: true, personnummer: '198112189876',
      birthDate: '', nationality: '', idNumber: '', phone: '+46701234567', locked: false, passportChecked: false,
    });
    expect(s.photo).toBeNull();
    expect(s.delivery).toBeNull();
    expect(s.bankid).toEqual({ available: false, reason: undefined });
    expect(s.identityPartner).toEqual({ name: '', url: '' });
    expect(s.step).toBe('photo');
  });

  it('keep the BankID lock of the personal data', () => {
    const s = normalizeSession({
      step: 'personal',
      method: 'bankid',
      personal: { firstName: 'Test', lastName: 'Testsson', hasPersonnummer: true, personnummer: '198112189876', phone: '', locked: true, passportChecked: true },
    } as unknown as RegistrationSession);
    expect(s.personal?.locked).toBe(true);
    expect(s.personal?.passportChecked).toBe(true);
    expect(s.method).toBe('bankid');
  });

});

describe('orders module', () => {
  it('lists with filters, marks the identity check, encodes ids', async () => {
    const fn = mockFetchEach(() => json(200, { items: [], total: 0, page: 1, pageSize: 50, counts: {} }));
    await listOrders({ status: 'ready', q: '  anna ', page: 2 });
    expect(fn.mock.calls[0][0]).toBe('/api/orders?status=ready&q=anna&page=2');
    await listOrders({});
    expect(fn.mock.calls[1][0]).toBe('/api/orders?page=1');
    await markIdentityChecked('o/1');
    expect(fn.mock.calls[2][0]).toBe('/api/orders/o%2F1/identity-check');
    expect(fn.mock.calls[2][1]?.method).toBe('POST');
    expect(fn.mock.calls[2][1]?.body).toBe('{}');
    expect(orderThumbUrl('o/1')).toBe('/api/orders/o%2F1/thumb.jpg');
  });
});

describe('invitations module', () => {
  it('encodes the id in paths', () => {
    expect(qrUrl('a/b')).toBe('/api/invitations/a%2Fb/qr.png');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('7')).toBe(7);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('downloads', () => {
  /** A stand-in for the page's document: records the links clicked. */
  function stubPage() {
    const clicked: Array<{ href: string; download: string }> = [];
    vi.stubGlobal('document', {
      createElement: () => {
        const a = { href: '', download: '', style: {}, click: () => clicked.push({ href: a.href, download: a.download }), remove: () => {} };
        return a;
      },
      body: { appendChild: () => {} },
    });
    vi.stubGlobal('URL', Object.assign(class extends URL {}, { createObjectURL: () => 'blob:x', revokeObjectURL: () => {} }));
    return clicked;
  }

  it('take the file name from Content-Disposition, never a path', () => {
    expect(fileNameOf('attachment; filename="audit-2026-12-04.csv"', 'audit.csv')).toBe('audit-2026-12-04.csv');
    expect(fileNameOf('attachment; filename=x.zip', 'f.zip')).toBe('x.zip');
    expect(fileNameOf('attachment; filename="../../etc/passwd"', 'f.zip')).toBe('f.zip');
    expect(fileNameOf(null, 'f.zip')).toBe('f.zip');
  });

  it('export the audit log with the filters and save it under the server\'s name', async () => {
    const clicked = stubPage();
    const fn = mockFetch(new Response('\uFEFFat,actor_kind\n', { status: 200, headers: { 'Content-Disposition': 'attachment; filename="audit-2026-12-04.csv"' } }));
    await expect(exportAuditCsv({ action: 'nexus.batch_created', q: 'NX' })).resolves.toBe('audit-2026-12-04.csv');
    expect(fn.mock.calls[0][0]).toBe('/api/audit.csv?action=nexus.batch_created&q=NX');
    expect(clicked).toEqual([{ href: 'blob:x', download: 'audit-2026-12-04.csv' }]);
  });

  it('export the invitations with the list\'s filters and order, not its page', async () => {
    stubPage();
    const fn = mockFetch(new Response('id\n', { status: 200 }));
    await expect(exportInvitationsCsv({ status: 'sent', q: 'anna', sort: 'email', dir: 'asc', page: 3 })).resolves.toBe('invitations.csv');
    expect(fn.mock.calls[0][0]).toBe('/api/invitations.csv?status=sent&q=anna&sort=email&dir=asc');
  });

  it('an error answer is an ApiError and nothing is saved', async () => {
    const clicked = stubPage();
    mockFetch(json(400, { error: { code: 'invalid', message: 'bad date' } }));
    const e = await caught(exportAuditCsv({ from: 'x' }));
    expect(e.code).toBe('invalid');
    expect(clicked).toEqual([]);
  });

  it('a batch download asks for the batch\'s zip; send all posts no ids', async () => {
    stubPage();
    const fn = mockFetch(new Response('PK', { status: 200 }));
    await expect(downloadBatch('NX-1')).resolves.toBe('id06-nexus-NX-1.zip');
    expect(fn.mock.calls[0][0]).toBe('/api/nexus/batches/NX-1/download');
    const post = mockFetch(json(201, { batches: [], orderCount: 0, personalDataNotice: 'n' }));
    await createBatches();
    expect(post.mock.calls[0][1]?.method).toBe('POST');
    expect(post.mock.calls[0][1]?.body).toBe('{}');
  });
});
