import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NETWORK_ERROR } from '../api/client';
import { autostartUrl, bankIDQrUrl, normalizeState, type BankIDState } from '../api/bankid';
import {
  bankIDFailedText,
  bankIDMessage,
  createBankIDFlow,
  fileState,
  isBankIDCheck,
  offerSameDevice,
  settledState,
  showQr,
  type FlowApi,
  type FlowSnapshot,
} from './bankid';

function state(over: Partial<BankIDState> = {}): BankIDState {
  return {
    status: 'pending',
    hintCode: 'outstandingTransaction',
    rfa: 'RFA1',
    message: { sv: 'Starta BankID-appen.', en: 'Start your BankID app.' },
    qr: 'bankid.abc.0.xyz',
    autoStartToken: 'tok-1',
    ...over,
  };
}

/** An API whose answers the test hands out one by one. */
function fakeApi(polls: Array<BankIDState | Error>) {
  const calls = { start: [] as boolean[], poll: 0, cancel: 0 };
  const api: FlowApi = {
    start: vi.fn(async (sameDevice: boolean) => {
      calls.start.push(sameDevice);
      return state({ autoStartToken: sameDevice ? 'same' : 'qr' });
    }),
    poll: vi.fn(async () => {
      calls.poll++;
      const next = polls.shift();
      if (!next) return state();
      if (next instanceof Error) throw next;
      return next;
    }),
    cancel: vi.fn(async () => {
      calls.cancel++;
    }),
  };
  return { api, calls };
}

describe('createBankIDFlow', () => {
  let seen: FlowSnapshot[];
  const last = () => seen[seen.length - 1];

  beforeEach(() => {
    vi.useFakeTimers();
    seen = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls once a second while pending and stops at complete', async () => {
    const { api, calls } = fakeApi([state(), state({ hintCode: 'userSign', rfa: 'RFA9' }), state({ status: 'complete', qr: '' })]);
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    expect(calls.start).toEqual([false]);
    expect(last().phase).toBe('pending');
    expect(calls.poll).toBe(0);

    await vi.advanceTimersByTimeAsync(999);
    expect(calls.poll).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.poll).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.poll).toBe(2);
    expect(last().state?.hintCode).toBe('userSign');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.poll).toBe(3);
    expect(last().phase).toBe('complete');

    // Nothing more after the end: no polls, no QR reloads.
    const tick = last().tick;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.poll).toBe(3);
    expect(last().tick).toBe(tick);
  });

  it('ticks the QR every second while pending', async () => {
    const { api } = fakeApi([]);
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    expect(last().tick).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(last().tick).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(last().tick).toBe(4);
    flow.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(last().tick).toBe(4);
  });

  it('never overlaps polls: the next waits for the answer', async () => {
    let release: (s: BankIDState) => void = () => {};
    const api: FlowApi = {
      start: async () => state(),
      poll: vi.fn(() => new Promise<BankIDState>((r) => (release = r))),
      cancel: async () => {},
    };
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.poll).toHaveBeenCalledTimes(1);
    release(state());
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.poll).toHaveBeenCalledTimes(2);
    flow.stop();
  });

  it('stops on failed with the message, and a restart polls again', async () => {
    const failed = state({ status: 'failed', rfa: 'RFA6', qr: '', message: { sv: 'Åtgärden avbruten.', en: 'Action cancelled.' } });
    const { api, calls } = fakeApi([failed]);
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(last().phase).toBe('failed');
    expect(bankIDMessage('en', last().state)).toBe('Action cancelled.');
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.poll).toBe(1);

    await flow.start(true);
    expect(calls.start).toEqual([false, true]);
    expect(last().sameDevice).toBe(true);
    expect(last().state?.autoStartToken).toBe('same');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.poll).toBe(2);
    flow.stop();
  });

  it('ends an order whose answer says pending with an ending message (BankID 500/503 given up on), and "Try again" starts a new one', async () => {
    const internalError = state({ rfa: 'RFA5', qr: '', message: { sv: 'Internt tekniskt fel. Försök igen.', en: 'Internal error. Please try again.' } });
    const { api, calls } = fakeApi([state(), internalError, state()]);
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.poll).toBe(2);
    expect(last().phase).toBe('failed');
    expect(last().state?.status).toBe('failed');
    expect(bankIDMessage('en', last().state)).toBe('Internal error. Please try again.');
    // Nothing asks any more, and the QR stops ticking.
    const ticks = last().tick;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.poll).toBe(2);
    expect(last().tick).toBe(ticks);
    // The retry button: a new order, polled again.
    await flow.start();
    expect(calls.start).toEqual([false, false]);
    expect(last().phase).toBe('pending');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.poll).toBe(3);
    flow.stop();
  });

  it('keeps waiting on pending messages', () => {
    for (const rfa of ['RFA1', 'RFA9', 'RFA13', 'RFA14A', 'RFA21', 'RFA23', '']) {
      expect(settledState(state({ rfa })).status).toBe('pending');
    }
    for (const rfa of ['RFA3', 'RFA5', 'RFA6', 'RFA8', 'RFA17B', 'RFA22']) {
      expect(settledState(state({ rfa })).status).toBe('failed');
    }
    expect(settledState(state({ status: 'complete', rfa: '' })).status).toBe('complete');
  });

  it('stop() on unmount ends polling, and a late answer changes nothing', async () => {
    let release: (s: BankIDState) => void = () => {};
    const api: FlowApi = {
      start: async () => state(),
      poll: vi.fn(() => new Promise<BankIDState>((r) => (release = r))),
      cancel: async () => {},
    };
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    await vi.advanceTimersByTimeAsync(1000);
    flow.stop();
    const count = seen.length;
    release(state({ status: 'complete' }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen.length).toBe(count);
    expect(api.poll).toHaveBeenCalledTimes(1);
  });

  it('retries dropped connections but gives up on other errors', async () => {
    const net = new ApiError(0, NETWORK_ERROR, 'offline');
    const { api, calls } = fakeApi([net, net, state(), new ApiError(404, 'not_found', 'No BankID identification')]);
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls.poll).toBe(3);
    expect(last().phase).toBe('pending');
    await vi.advanceTimersByTimeAsync(1000);
    expect(last().phase).toBe('error');
    expect(last().error?.code).toBe('not_found');
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.poll).toBe(4);
  });

  it('a refused start is an error with the details', async () => {
    const refused = new ApiError(503, 'bankid_failed', 'maintenance', undefined, {
      details: { rfa: 'RFA5', sv: 'Internt tekniskt fel. Försök igen.', en: 'Internal error. Please try again.' },
    });
    const api: FlowApi = { start: async () => Promise.reject(refused), poll: vi.fn(), cancel: async () => {} };
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    expect(await flow.start()).toBeNull();
    expect(last().phase).toBe('error');
    expect(bankIDFailedText('sv', last().error!)).toBe('Internt tekniskt fel. Försök igen.');
    expect(bankIDFailedText('en', last().error!)).toBe('Internal error. Please try again.');
    await vi.advanceTimersByTimeAsync(3000);
    expect(api.poll).not.toHaveBeenCalled();
  });

  it('cancel() stops and tells the server', async () => {
    const { api, calls } = fakeApi([]);
    const flow = createBankIDFlow(api, (s) => seen.push(s));
    await flow.start();
    await flow.cancel();
    expect(calls.cancel).toBe(1);
    expect(last().phase).toBe('idle');
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.poll).toBe(0);
  });
});

describe('bankIDMessage', () => {
  it('takes the page language, then the other one', () => {
    const s = state();
    expect(bankIDMessage('sv', s)).toBe('Starta BankID-appen.');
    expect(bankIDMessage('en', s)).toBe('Start your BankID app.');
    expect(bankIDMessage('en', state({ message: { sv: 'Bara svenska', en: '' } }))).toBe('Bara svenska');
    expect(bankIDMessage('sv', null)).toBe('');
  });
});

describe('choices of the panel', () => {
  it('shows the QR only while waiting for a scan', () => {
    expect(showQr(state())).toBe(true);
    expect(showQr(state({ hintCode: 'started' }))).toBe(true);
    expect(showQr(state({ hintCode: 'userSign' }))).toBe(false);
    expect(showQr(state({ status: 'complete', qr: '' }))).toBe(false);
    expect(showQr(state({ qr: '' }))).toBe(false);
  });

  it('offers "open on this device" in browsers, and at the kiosk only on a phone-sized screen', () => {
    expect(offerSameDevice(false, false)).toBe(true);
    expect(offerSameDevice(false, true)).toBe(true);
    expect(offerSameDevice(true, false)).toBe(false);
    expect(offerSameDevice(true, true)).toBe(true);
  });

  it('knows both BankID identity checks', () => {
    expect(isBankIDCheck('bankid')).toBe(true);
    expect(isBankIDCheck('bankid_passport')).toBe(true);
    expect(isBankIDCheck('pending_partner')).toBe(false);
  });
});

describe('api/bankid helpers', () => {
  it('builds the QR and autostart addresses', () => {
    expect(bankIDQrUrl('v1.a b', 400, 7)).toBe('/api/register/v1.a%20b/bankid/qr.png?size=400&t=7');
    expect(autostartUrl('abc-123')).toBe('bankid:///?autostarttoken=abc-123&redirect=null');
  });

  it('normalizes a state with parts left out', () => {
    expect(normalizeState({ status: 'complete' })).toEqual({
      status: 'complete', hintCode: '', rfa: '', message: { sv: '', en: '' }, qr: '', autoStartToken: '',
    });
    expect(normalizeState({ status: 'weird' }).status).toBe('pending');
  });
});

describe('fileState', () => {
  const none = { 'bankid-client.p12': false, 'bankid-client-cert.pem': false, 'bankid-client-key.pem': false, 'bankid-root-ca.pem': false };
  it('treats the .p12 and the PEM pair as alternatives', () => {
    expect(fileState('bankid-client.p12', none)).toBe('missing');
    expect(fileState('bankid-root-ca.pem', none)).toBe('missing');
    const pem = { ...none, 'bankid-client-cert.pem': true, 'bankid-client-key.pem': true };
    expect(fileState('bankid-client.p12', pem)).toBe('not_needed');
    expect(fileState('bankid-client-cert.pem', pem)).toBe('present');
    expect(fileState('bankid-root-ca.pem', pem)).toBe('missing');
    const certOnly = { ...none, 'bankid-client-cert.pem': true };
    expect(fileState('bankid-client.p12', certOnly)).toBe('missing');
    const p12 = { ...none, 'bankid-client.p12': true };
    expect(fileState('bankid-client-key.pem', p12)).toBe('not_needed');
  });
});
