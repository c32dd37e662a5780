// What the kiosk keeps between its views, and how one person's visit ends:
// the registration they are in (for the idle wipe) and whether it was
// confirmed (the thank-you screen then has its own way back).
import { ApiError } from '../api/client';
import { deleteDraft } from '../api/kiosk';
import { sleep } from './camera';
import { resetLocale } from './locale.svelte';
import { navigate } from './location.svelte';
import { KIOSK_HOME } from './router';
import { newVisitId } from './visit';

/**
 * The person at the kiosk now: their visit id (sent with the codes they
 * type), the registration their visit opened (token; null before one is
 * opened and after the visit ends) and whether it was confirmed.
 */
export const kioskVisit = $state<{ finished: boolean; id: string; token: string | null }>({ finished: false, id: newVisitId(), token: null });

/**
 * Opens a person's registration (the scan found their QR code, or they
 * typed their code). Only this visit's registration can be shown until
 * endVisit: history entries of an earlier visit lead to the start screen.
 */
export function startVisit(token: string): void {
  kioskVisit.finished = false;
  kioskVisit.token = token;
  navigate('/register/' + encodeURIComponent(token));
}

/**
 * Ends the visit: nothing of the person stays on screen (the route is
 * replaced, so the registration views unmount with their state; the
 * visit's history entries no longer open), the language goes back to the
 * default, the next person gets a new visit id (a fresh limit on wrong
 * codes), and the draft of an unfinished
 * registration is discarded on the server.
 */
export async function endVisit(opts: { discardDraftOf?: string; reason?: 'idle' | 'cancel' } = {}): Promise<void> {
  const active = document.activeElement;
  if (active instanceof HTMLElement) active.blur();
  kioskVisit.finished = false;
  kioskVisit.id = newVisitId();
  // Closes the visit before leaving: from now on Back to any of its steps
  // lands on the start screen (a page cannot delete its history entries).
  kioskVisit.token = null;
  resetLocale();
  navigate(KIOSK_HOME, { replace: true });
  if (opts.discardDraftOf) await discard(opts.discardDraftOf, opts.reason ?? 'cancel');
}

/**
 * Deletes the draft; a network or server failure is tried again twice. A
 * refusal (already confirmed, link no longer valid) is final. Should it still
 * fail, the server's retention purges drafts nobody touches, and the
 * screen is clean anyway.
 */
async function discard(token: string, reason: 'idle' | 'cancel'): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await deleteDraft(token, reason);
      return;
    } catch (e) {
      const retry = e instanceof ApiError && (e.status === 0 || e.status >= 500);
      if (!retry) return;
      await sleep(2000 * (attempt + 1));
    }
  }
}
