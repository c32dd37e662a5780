// The kiosk's id for one person's turn at the screen (a visit). It goes
// with each invitation code typed there, so the server slows down one
// person's wrong codes without locking the kiosk for the next; the visit
// ends (and a new id begins) on the idle wipe, on cancel and after a
// confirmed registration. Not a secret and not an identity: 16 random bytes.

/** The id's form: what the server accepts (letters, digits, - and _). */
export const VISIT_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * A new random visit id, base64url. Uses crypto.getRandomValues, which
 * (unlike crypto.randomUUID) also exists on a plain-http LAN address.
 */
export function newVisitId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
