import { describe, expect, it } from 'vitest';
import { guard, navSection, parseHash, patchQuery, resolve, safeNext, startupPath, type Session } from './router';

const windowMode: Session = { mode: 'window', kiosk: false, authenticated: true, passwordSet: false };
const serveAnon: Session = { mode: 'serve', kiosk: false, authenticated: false, passwordSet: true };
const serveAuthed: Session = { mode: 'serve', kiosk: false, authenticated: true, passwordSet: true };
const kiosk: Session = { mode: 'serve', kiosk: true, authenticated: false, passwordSet: true };

describe('parseHash', () => {
  it.each([
    ['', 'root', '/'],
    ['#', 'root', '/'],
    ['#/', 'root', '/'],
    ['#/invitations', 'invitations', '/invitations'],
    ['#/invitations/', 'invitations', '/invitations'],
    ['#/invitations/new', 'invitationNew', '/invitations/new'],
    ['#/invitations/inv_123', 'invitationDetail', '/invitations/inv_123'],
    ['#/invitations/a/b', 'notFound', '/invitations/a/b'],
    ['#/orders', 'orders', '/orders'],
    ['#/orders/ord_1', 'orderDetail', '/orders/ord_1'],
    ['#/orders/a/b', 'notFound', '/orders/a/b'],
    ['#/kiosks', 'kiosks', '/kiosks'],
    ['#/settings', 'settings', '/settings'],
    ['#/login', 'login', '/login'],
    ['#/setup?token=abc', 'setup', '/setup'],
    ['#/kiosk', 'kiosk', '/kiosk'],
    ['#/register', 'registerCode', '/register'],
    ['#/register/abc', 'registerToken', '/register/abc'],
    ['#/nope', 'notFound', '/nope'],
    ['#/register/a/b', 'notFound', '/register/a/b'],
    ['#/ordersx', 'notFound', '/ordersx'],
  ])('%j is %s', (hash, name, path) => {
    const r = parseHash(hash);
    expect(r.name).toBe(name);
    expect(r.path).toBe(path);
  });

  it('reads params and the query', () => {
    const r = parseHash('#/register/eyJ0b2tlbiI6MX0.abc-_%7E?lang=en');
    expect(r.name).toBe('registerToken');
    expect(r.params.token).toBe('eyJ0b2tlbiI6MX0.abc-_~');
    expect(r.query).toEqual({ lang: 'en' });
    expect(parseHash('#/login?next=%2Forders').query.next).toBe('/orders');
  });

  it('treats an undecodable param as not found', () => {
    expect(parseHash('#/register/%E0%A4%A').name).toBe('notFound');
  });
});

describe('guard', () => {
  it('window mode: admin routes open, root and login go to invitations', () => {
    expect(guard(parseHash('#/orders'), windowMode)).toBeNull();
    expect(guard(parseHash('#/'), windowMode)).toBe('/invitations');
    expect(guard(parseHash('#/login'), windowMode)).toBe('/invitations');
    expect(guard(parseHash('#/login?next=/settings'), windowMode)).toBe('/settings');
    expect(guard(parseHash('#/kiosk'), windowMode)).toBeNull();
  });

  it('serve mode without login: admin routes go to login with next', () => {
    expect(guard(parseHash('#/orders'), serveAnon)).toBe('/login?next=%2Forders');
    expect(guard(parseHash('#/settings'), serveAnon)).toBe('/login?next=%2Fsettings');
    expect(guard(parseHash('#/login?next=%2Forders'), serveAnon)).toBeNull();
    expect(resolve('/', serveAnon)).toBe('/login?next=%2Finvitations');
  });

  it('serve mode without login: kiosk and registration stay open', () => {
    for (const h of ['#/kiosk', '#/register', '#/register/tok', '#/missing']) {
      expect(guard(parseHash(h), serveAnon), h).toBeNull();
    }
  });

  it('serve mode logged in: login goes back to next', () => {
    expect(guard(parseHash('#/orders'), serveAuthed)).toBeNull();
    expect(guard(parseHash('#/login?next=%2Fkiosks'), serveAuthed)).toBe('/kiosks');
    expect(guard(parseHash('#/login'), serveAuthed)).toBe('/invitations');
  });

  it('kiosk mode: only kiosk and registration routes', () => {
    for (const h of ['#/', '#/invitations', '#/orders', '#/kiosks', '#/settings', '#/login']) {
      expect(guard(parseHash(h), kiosk), h).toBe('/kiosk');
    }
    expect(guard(parseHash('#/invitations'), { ...kiosk, authenticated: true })).toBe('/kiosk');
    expect(guard(parseHash('#/settings'), { ...kiosk, mode: 'window', authenticated: true })).toBe('/kiosk');
    for (const h of ['#/kiosk', '#/register']) {
      expect(guard(parseHash(h), kiosk), h).toBeNull();
    }
    expect(guard(parseHash('#/register/tok?step=photo'), kiosk, 'tok')).toBeNull();
  });

  it('kiosk mode: a registration only while it is the open visit (Back after a wipe goes to the start)', () => {
    expect(guard(parseHash('#/register/tok'), kiosk, null)).toBe('/kiosk');
    expect(guard(parseHash('#/register/tok?step=personal'), kiosk)).toBe('/kiosk');
    expect(guard(parseHash('#/register/previous?step=photo'), kiosk, 'next-person')).toBe('/kiosk');
    // Outside kiosk mode a link opens as it is.
    expect(guard(parseHash('#/register/tok'), serveAnon, null)).toBeNull();
  });
});

describe('invitation sub-pages', () => {
  it('need a login, survive it as next, and belong to the Invitations menu item', () => {
    expect(guard(parseHash('#/invitations/abc'), serveAnon)).toBe('/login?next=%2Finvitations%2Fabc');
    expect(safeNext('/invitations/new')).toBe('/invitations/new');
    expect(guard(parseHash('#/invitations/new'), kiosk)).toBe('/kiosk');
    expect(parseHash('#/invitations/abc').params.id).toBe('abc');
    expect(navSection('invitationDetail')).toBe('invitations');
    expect(navSection('invitationNew')).toBe('invitations');
    expect(navSection('orders')).toBe('orders');
  });
});

describe('order detail', () => {
  it('needs a login, belongs to the Orders menu item, is closed to the kiosk', () => {
    expect(parseHash('#/orders/abc').params.id).toBe('abc');
    expect(guard(parseHash('#/orders/abc'), serveAnon)).toBe('/login?next=%2Forders%2Fabc');
    expect(guard(parseHash('#/orders/abc'), kiosk)).toBe('/kiosk');
    expect(safeNext('/orders/abc')).toBe('/orders/abc');
    expect(navSection('orderDetail')).toBe('orders');
  });

  it('registration steps travel in the query without changing the route', () => {
    const r = parseHash('#/register/v1.abc?step=photo');
    expect(r.name).toBe('registerToken');
    expect(r.params.token).toBe('v1.abc');
    expect(r.query.step).toBe('photo');
    expect(r.path).toBe('/register/v1.abc');
  });
});

describe('safeNext', () => {
  it.each([
    [undefined, '/invitations'],
    ['/orders', '/orders'],
    ['/settings', '/settings'],
    ['//evil.example', '/invitations'],
    ['https://evil.example/', '/invitations'],
    ['/login', '/invitations'],
    ['/kiosk', '/invitations'],
    ['/nope', '/invitations'],
  ])('%j -> %s', (next, want) => {
    expect(safeNext(next)).toBe(want);
  });
});

describe('startupPath', () => {
  it('kiosk mode always starts at the kiosk screen', () => {
    expect(startupPath('/', kiosk)).toBe('/kiosk');
    expect(startupPath('/register/old-token', kiosk)).toBe('/kiosk');
    expect(startupPath('/orders', kiosk)).toBe('/kiosk');
  });

  it('otherwise follows the rules', () => {
    expect(startupPath('/', windowMode)).toBe('/invitations');
    expect(startupPath('/orders', serveAnon)).toBe('/login?next=%2Forders');
    expect(startupPath('/register/tok', serveAnon)).toBe('/register/tok');
  });
});

describe('patchQuery', () => {
  it('applies the patch, drops empty values and returns to page 1', () => {
    expect(patchQuery({ status: 'sent', q: 'anna', page: '3' }, { q: '' })).toEqual({ status: 'sent' });
    expect(patchQuery({ status: 'sent' }, { page: '2' })).toEqual({ status: 'sent', page: '2' });
    expect(patchQuery({ status: 'sent', page: '4' }, { page: '1' })).toEqual({ status: 'sent' });
    expect(patchQuery({}, { status: 'ready', cardType: '' })).toEqual({ status: 'ready' });
  });
});

describe('the first-run setup page', () => {
  const fresh: Session = { mode: 'serve', kiosk: false, authenticated: false, passwordSet: false };
  const setup = parseHash('#/setup?token=tok-123');

  it('is shown while no admin password exists, with its token', () => {
    expect(setup.query.token).toBe('tok-123');
    expect(guard(setup, fresh)).toBeNull();
  });

  it('sends to the login once a password exists, and to the console when logged in', () => {
    expect(guard(setup, serveAnon)).toBe('/login');
    expect(guard(setup, serveAuthed)).toBe('/invitations');
    expect(guard(setup, windowMode)).toBe('/invitations');
    expect(guard(setup, kiosk)).toBe('/kiosk');
  });

  it('is never where the login sends back to', () => {
    expect(safeNext('/setup?token=x')).toBe('/invitations');
  });
});
