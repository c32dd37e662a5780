// The first-run setup form (#/setup?token=…): what to say before sending.
import type { MessageKey } from './i18n';

/** The server's rule for the admin password (adminauth.MinPasswordLength). */
export const MIN_PASSWORD_LENGTH = 10;

export interface SetupProblems {
  password?: MessageKey;
  repeat?: MessageKey;
}

/** Problems with the two password fields; empty when the form may be sent. */
export function setupProblems(password: string, repeat: string): SetupProblems {
  const out: SetupProblems = {};
  // Count characters as the server does (runes), not UTF-16 units.
  const length = [...password].length;
  if (length === 0) out.password = 'setup.passwordRequired';
  else if (length < MIN_PASSWORD_LENGTH) out.password = 'setup.passwordShort';
  if (!out.password && repeat !== password) out.repeat = 'setup.repeatMismatch';
  return out;
}

/** Errors after which the link cannot be used again: show no form. */
export function setupLinkDead(code: string): boolean {
  return code === 'setup_invalid' || code === 'setup_expired' || code === 'setup_done' || code === 'setup_not_local';
}
