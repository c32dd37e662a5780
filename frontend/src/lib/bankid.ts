// The cardholder's BankID identification as a small state machine, without
// Svelte: start → poll every second while pending (never two polls at once)
// → complete or failed; a one-second tick that reloads the animated QR code
// while pending; stop() on unmount. And the pure choices the panel makes:
// which message to show in which language, when to show the QR code and the
// "open BankID on this device" button.
import { ApiError, NETWORK_ERROR, asApiError } from '../api/client';
import type { BankIDState } from '../api/bankid';
import type { Locale } from './i18n';

export type FlowPhase = 'idle' | 'starting' | 'pending' | 'complete' | 'failed' | 'error';

export interface FlowSnapshot {
  phase: FlowPhase;
  /** The latest answer from the server. */
  state: BankIDState | null;
  /** Why starting or polling failed (phase 'error'). */
  error: ApiError | null;
  /** Counts the seconds while pending: the QR image's cache buster. */
  tick: number;
  /** The current identification opens the app on this device. */
  sameDevice: boolean;
}

export interface FlowApi {
  start(sameDevice: boolean): Promise<BankIDState>;
  poll(): Promise<BankIDState>;
  cancel(): Promise<void>;
}

export interface FlowOptions {
  /** Between the end of one poll and the next, and between QR reloads. */
  intervalMs?: number;
  /** Network errors in a row tolerated while polling before giving up. */
  maxNetworkErrors?: number;
}

export interface BankIDFlow {
  /** Starts (or restarts) an identification; resolves with the first state or null. */
  start(sameDevice?: boolean): Promise<BankIDState | null>;
  /** Stops polling and the QR tick (unmount); the identification is left alone. */
  stop(): void;
  /** Stops, and cancels the identification at BankID. */
  cancel(): Promise<void>;
  snapshot(): FlowSnapshot;
}


export function createBankIDFlow(
  api: FlowApi,
  onchange: (s: FlowSnapshot) => void,
  { intervalMs = 1000, maxNetworkErrors = 5 }: FlowOptions = {},
): BankIDFlow {
  let snap: FlowSnapshot = { phase: 'idle', state: null, error: null, tick: 0, sameDevice: false };
  // Every start and stop begins a new generation: answers of an older one are dropped.
  let gen = 0;
  let pollTimer: ReturnType<typeof setTimeout> | null = null;
  let tickTimer: ReturnType<typeof setInterval> | null = null;
  let networkErrors = 0;

  function emit(patch: Partial<FlowSnapshot>) {
    snap = { ...snap, ...patch };
    onchange(snap);
  }

  function clearTimers() {
    if (pollTimer !== null) clearTimeout(pollTimer);
    if (tickTimer !== null) clearInterval(tickTimer);
    pollTimer = null;
    tickTimer = null;
  }

  function apply(g: number, answer: BankIDState) {
    if (g !== gen) return;
    networkErrors = 0;
    const state = settledState(answer);
    if (state.status === 'pending') {
      if (tickTimer === null) tickTimer = setInterval(() => emit({ tick: snap.tick + 1 }), intervalMs);
      schedulePoll(g);
    } else {
      clearTimers();
    }
    emit({ phase: state.status, state, error: null });
  }

  function fail(g: number, e: unknown) {
    if (g !== gen) return;
    clearTimers();
    emit({ phase: 'error', error: asApiError(e) });
  }

  function schedulePoll(g: number) {
    if (pollTimer !== null) clearTimeout(pollTimer);
    pollTimer = setTimeout(() => {
      pollTimer = null;
      api.poll().then(
        (s) => apply(g, s),
        (e) => {
          if (g !== gen) return;
          // A dropped connection is retried; anything else ends the attempt.
          if (e instanceof ApiError && e.code === NETWORK_ERROR && ++networkErrors <= maxNetworkErrors) {
            schedulePoll(g);
            return;
          }
          fail(g, e);
        },
      );
    }, intervalMs);
  }

  return {
    async start(sameDevice = false) {
      const g = ++gen;
      clearTimers();
      networkErrors = 0;
      emit({ phase: 'starting', state: null, error: null, sameDevice });
      try {
        const s = await api.start(sameDevice);
        apply(g, s);
        return g === gen ? s : null;
      } catch (e) {
        fail(g, e);
        return null;
      }
    },
    stop() {
      gen++;
      clearTimers();
    },
    async cancel() {
      gen++;
      clearTimers();
      emit({ phase: 'idle', state: null, error: null });
      try {
        await api.cancel();
      } catch {
        // Nothing to cancel any more (ended, or the server forgot it): fine.
      }
    },
    snapshot: () => snap,
  };
}

/**
 * BankID's messages that end an order (RFA3 cancelled, RFA4 already in
 * progress, RFA5 internal error, RFA6 cancelled, RFA8 no answer, RFA16 old
 * BankID, RFA17 app not found, RFA22 unknown error): none of them is ever
 * shown while an order is still running.
 */
const ENDING_RFAS: ReadonlySet<string> = new Set(['RFA3', 'RFA4', 'RFA5', 'RFA6', 'RFA8', 'RFA16', 'RFA17A', 'RFA17B', 'RFA22']);

/**
 * The state as the page acts on it: an answer that says "pending" but
 * carries a message that ends an order (a server that gave up on BankID's
 * 500/503 without saying so) has failed — waiting on it would show
 * "try again" with no way to.
 */
export function settledState(state: BankIDState): BankIDState {
  if (state.status === 'pending' && ENDING_RFAS.has(state.rfa)) return { ...state, status: 'failed', qr: '', autoStartToken: '' };
  return state;
}

/**
 * The sentence to show for a state: the server's in the page's language,
 * else in the other one; "" when it sent none.
 */
export function bankIDMessage(locale: Locale, state: BankIDState | null): string {
  if (!state) return '';
  const other: Locale = locale === 'sv' ? 'en' : 'sv';
  return state.message[locale].trim() || state.message[other].trim();
}

/** The sentence of a refused start (503 bankid_failed: details {rfa, sv, en}). */
export function bankIDFailedText(locale: Locale, err: ApiError): string {
  const d = err.details ?? {};
  const other: Locale = locale === 'sv' ? 'en' : 'sv';
  return (d[locale] ?? '').trim() || (d[other] ?? '').trim();
}

/**
 * The QR code is shown while waiting for the person to scan it; once the
 * app has it (userSign: type the security code) it is hidden, as BankID's
 * guidelines ask.
 */
export function showQr(state: BankIDState | null): boolean {
  return !!state && state.status === 'pending' && state.qr !== '' && state.hintCode !== 'userSign';
}

/**
 * "Open BankID on this device" makes sense in a browser (phone or computer
 * with BankID), not at the kiosk, which has no BankID app — unless the
 * screen is phone-sized.
 */
export function offerSameDevice(kiosk: boolean, phoneScreen: boolean): boolean {
  return !kiosk || phoneScreen;
}

/** The QR image's pixel size: very large at the kiosk. */
export function qrSize(kiosk: boolean): number {
  return kiosk ? 640 : 400;
}

/** The order's identity check was done by BankID (with or without the passport check). */
export function isBankIDCheck(identityCheck: string | undefined): boolean {
  return identityCheck === 'bankid' || identityCheck === 'bankid_passport';
}

export type FileState = 'present' | 'missing' | 'not_needed';

/**
 * How Settings → BankID shows a certificate file: the .p12 and the PEM pair
 * are alternatives, so the one not used is "not needed" rather than missing.
 */
export function fileState(name: string, files: Record<string, boolean>): FileState {
  if (files[name]) return 'present';
  const pemPair = files['bankid-client-cert.pem'] && files['bankid-client-key.pem'];
  if (name === 'bankid-client.p12' && pemPair) return 'not_needed';
  if ((name === 'bankid-client-cert.pem' || name === 'bankid-client-key.pem') && files['bankid-client.p12']) return 'not_needed';
  return 'missing';
}
