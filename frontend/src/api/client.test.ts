import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, parseRetryAfter, request } from './client';
import { getHealth } from './health';
import { lookupCode, getInvitation } from './register';
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

  it('invitation lookup puts the token in the query, encoded', async () => {
    const fn = mockFetch(json(200, {}));
    await getInvitation('a+b/c=');
    expect(fn.mock.calls[0][0]).toBe('/api/register/invitation?token=a%2Bb%2Fc%3D');
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
