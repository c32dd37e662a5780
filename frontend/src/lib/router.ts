// Hash routing (#/...) and the access rules the UI follows. Pure functions:
// the reactive part lives in location.svelte.ts.
import type { components } from '../api/schema';

type AdminSession = components['schemas']['AdminSession'];

export type RouteName =
  | 'root'
  | 'invitations'
  | 'invitationNew'
  | 'invitationDetail'
  | 'orders'
  | 'orderDetail'
  | 'kiosks'
  | 'nexusBatches'
  | 'nexusBatchDetail'
  | 'audit'
  | 'settings'
  | 'login'
  | 'setup'
  | 'kiosk'
  | 'registerCode'
  | 'registerToken'
  | 'notFound';

export interface Route {
  name: RouteName;
  /** Path without the leading '#' and without the query, e.g. "/orders". */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
}

/**
 * What the guard needs of GET /api/session. station (this screen may use the
 * kiosk camera: the kiosk's own, or the admin) may be left out: then no.
 */
export type Session = Omit<AdminSession, 'station'> & Partial<Pick<AdminSession, 'station'>>;

const table: Array<[pattern: string, name: RouteName]> = [
  ['/', 'root'],
  ['/invitations', 'invitations'],
  ['/invitations/new', 'invitationNew'],
  ['/invitations/:id', 'invitationDetail'],
  ['/orders', 'orders'],
  ['/orders/:id', 'orderDetail'],
  ['/kiosks', 'kiosks'],
  ['/nexus/batches', 'nexusBatches'],
  ['/nexus/batches/:id', 'nexusBatchDetail'],
  ['/audit', 'audit'],
  ['/settings', 'settings'],
  ['/login', 'login'],
  ['/setup', 'setup'],
  ['/kiosk', 'kiosk'],
  ['/register', 'registerCode'],
  ['/register/:token', 'registerToken'],
];

export const ADMIN_ROUTES: readonly RouteName[] = [
  'invitations',
  'invitationNew',
  'invitationDetail',
  'orders',
  'orderDetail',
  'kiosks',
  'nexusBatches',
  'nexusBatchDetail',
  'audit',
  'settings',
];

/** The main-menu item a route belongs to (sub-pages light up their section). */
export function navSection(name: RouteName): RouteName {
  if (name === 'invitationNew' || name === 'invitationDetail') return 'invitations';
  if (name === 'orderDetail') return 'orders';
  if (name === 'nexusBatchDetail') return 'nexusBatches';
  return name;
}
export const ADMIN_HOME = '/invitations';
export const KIOSK_HOME = '/kiosk';

export function isAdminRoute(name: RouteName): boolean {
  return ADMIN_ROUTES.includes(name);
}

/** Kiosk and registration views: never need a login, reachable in kiosk mode. */
export function isKioskRoute(name: RouteName): boolean {
  return name === 'kiosk' || name === 'registerCode' || name === 'registerToken';
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function match(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = splitPath(pattern);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const seg = segments[i];
    if (part.startsWith(':')) {
      const value = safeDecode(seg);
      if (value === null || value === '') return null;
      params[part.slice(1)] = value;
    } else if (part !== seg) {
      return null;
    }
  }
  return params;
}

/** Parses a location hash such as "#/login?next=%2Forders". */
export function parseHash(hash: string): Route {
  let rest = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!rest.startsWith('/')) rest = '/' + rest;
  const q = rest.indexOf('?');
  const rawPath = q >= 0 ? rest.slice(0, q) : rest;
  const query: Record<string, string> = {};
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(rest.slice(q + 1))) query[k] = v;
  }
  const segments = splitPath(rawPath);
  const path = '/' + segments.join('/');
  for (const [pattern, name] of table) {
    const params = match(pattern, segments);
    if (params) return { name, path, params, query };
  }
  return { name: 'notFound', path, params: {}, query };
}

/** Builds a hash path with a query, e.g. loginPath("/orders"). */
export function withQuery(path: string, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * A list page's query after a filter change: patch applied, empty values
 * dropped, and back to page 1 unless the patch names the page.
 */
export function patchQuery(query: Record<string, string>, patch: Record<string, string>): Record<string, string> {
  const next: Record<string, string> = { ...query, ...patch };
  if (!('page' in patch)) delete next.page;
  for (const k of Object.keys(next)) if (!next[k]) delete next[k];
  if (next.page === '1') delete next.page;
  return next;
}

/** Where to go after login: only an admin route of this app, never a URL. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return ADMIN_HOME;
  const route = parseHash(next);
  return isAdminRoute(route.name) ? next : ADMIN_HOME;
}

function fullPath(route: Route): string {
  return withQuery(route.path, route.query);
}

/**
 * The access rules: returns the path to redirect to, or null when the route
 * may be shown as is for this session. At the kiosk a registration is shown
 * only while it is the open visit (openVisit, the token the scan or the code
 * opened): after a wipe the browser's Back or Forward to an earlier
 * person's registration lands on the start screen.
 */
export function guard(route: Route, session: Session, openVisit: string | null = null): string | null {
  const authenticated = session.mode === 'window' || session.authenticated;
  if (session.kiosk) {
    if (route.name === 'registerToken' && route.params.token !== openVisit) return KIOSK_HOME;
    if (isKioskRoute(route.name) || route.name === 'notFound') return null;
    return KIOSK_HOME;
  }
  switch (route.name) {
    case 'root':
      return ADMIN_HOME;
    case 'login':
      return authenticated ? safeNext(route.query.next) : null;
    case 'setup':
      // The first-run link (serve mode, no admin password yet). Once a
      // password exists there is nothing to set up: log in instead.
      if (authenticated) return ADMIN_HOME;
      return session.passwordSet ? '/login' : null;
    default:
      if (isAdminRoute(route.name) && !authenticated) {
        return withQuery('/login', { next: fullPath(route) });
      }
      return null;
  }
}

/** Follows guard() until a route may be shown (bounded, in case of a loop). */
export function resolve(path: string, session: Session): string {
  let current = path;
  for (let i = 0; i < 4; i++) {
    const next = guard(parseHash(current), session);
    if (next === null || next === current) return current;
    current = next;
  }
  return current;
}

/** The path to show first when the app starts (kiosk mode: the kiosk start). */
export function startupPath(path: string, session: Session): string {
  if (session.kiosk) return KIOSK_HOME;
  return resolve(path, session);
}

export function hrefFor(path: string): string {
  return '#' + path;
}
