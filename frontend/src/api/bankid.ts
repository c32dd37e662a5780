// Swedish BankID (internal/httpapi/openapi.json, tags bankid): the cardholder's
// identification (public, by invitation token) and the admin's Settings →
// BankID (the certificate files, their status, a test call).
import { request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type BankIDStatus = Schemas['BankIDState']['status'];

/**
 * The progress of one identification, as the registration page shows it:
 * the server's BankIDState with the parts it leaves out filled in. rfa is
 * BankID's message code (RFA1, RFA13 …), message what to tell the person in
 * both languages (may be empty), qr the current animated QR data (empty once
 * the identification ended).
 */
export type BankIDState = Required<Omit<Schemas['BankIDState'], 'message'>> & {
  message: Required<NonNullable<Schemas['BankIDState']['message']>>;
};

type Raw = Record<string, unknown>;

function obj(v: unknown): Raw {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function normalizeState(v: unknown): BankIDState {
  const s = obj(v);
  const m = obj(s.message);
  const status = s.status === 'complete' || s.status === 'failed' ? s.status : 'pending';
  return {
    status,
    hintCode: str(s.hintCode),
    rfa: str(s.rfa),
    message: { sv: str(m.sv), en: str(m.en) },
    qr: str(s.qr),
    autoStartToken: str(s.autoStartToken),
  };
}

function base(token: string): string {
  return `/api/register/${encodeURIComponent(token)}/bankid`;
}

/**
 * Starts an identification (cancelling any earlier one). sameDevice: the
 * BankID app will be opened on this device with the autostart token.
 * 503 `bankid_failed` with details {rfa, sv, en} when BankID refuses.
 */
export function startBankID(token: string, sameDevice: boolean): Promise<BankIDState> {
  return request<Schemas['BankIDState']>('POST', base(token), { body: { sameDevice } }).then(normalizeState);
}

/** The progress; 404 not_found when no identification was started. */
export function getBankIDState(token: string, signal?: AbortSignal): Promise<BankIDState> {
  return request<Schemas['BankIDState']>('GET', base(token), { signal }).then(normalizeState);
}

export function cancelBankID(token: string): Promise<void> {
  return request<void>('DELETE', base(token));
}

/** The current QR frame; `tick` makes each second's frame a new address. */
export function bankIDQrUrl(token: string, size: number, tick: number): string {
  return `${base(token)}/qr.png?size=${Math.round(size)}&t=${tick}`;
}

/** Opens the BankID app on this device (phone or computer with BankID). */
export function autostartUrl(autoStartToken: string): string {
  return `bankid:///?autostarttoken=${encodeURIComponent(autoStartToken)}&redirect=null`;
}

// Admin: Settings → BankID

/** The certificate files Settings → BankID takes. */
export const BANKID_FILES = [
  'bankid-client.p12',
  'bankid-client-cert.pem',
  'bankid-client-key.pem',
  'bankid-root-ca.pem',
] as const;
export type BankIDFile = (typeof BANKID_FILES)[number];

/**
 * Settings → BankID's status with every file named: problem is what is wrong
 * with the configuration in the language of the request ("" when nothing),
 * problemDetail the technical error behind it (not translated).
 */
export type BankIDConfigStatus = Required<Pick<Schemas['BankIDConfigStatus'], 'configured' | 'environment' | 'problem' | 'problemDetail'>> & {
  files: Record<BankIDFile, boolean>;
};

export function normalizeConfigStatus(v: unknown): BankIDConfigStatus {
  const s = obj(v);
  const f = obj(s.files);
  const files = Object.fromEntries(BANKID_FILES.map((n) => [n, f[n] === true])) as Record<BankIDFile, boolean>;
  return {
    configured: s.configured === true,
    environment: str(s.environment),
    files,
    problem: str(s.problem),
    problemDetail: str(s.problemDetail),
  };
}

export function getBankIDConfig(): Promise<BankIDConfigStatus> {
  return request<Schemas['BankIDConfigStatus']>('GET', '/api/bankid/status').then(normalizeConfigStatus);
}

/** Stores a certificate file (its raw bytes); an empty body removes it. */
export function putBankIDFile(name: BankIDFile, data: Blob | null): Promise<BankIDConfigStatus> {
  const body = data ?? new Blob([]);
  return request<Schemas['BankIDConfigStatus']>('PUT', `/api/bankid/files/${encodeURIComponent(name)}`, {
    raw: { contentType: 'application/octet-stream', data: body },
  }).then(normalizeConfigStatus);
}

/** A test call's outcome: message is what went wrong in the language of the request, detail the technical error. */
export type BankIDTestResult = Required<Schemas['BankIDTestResult']>;

export function testBankID(): Promise<BankIDTestResult> {
  return request<Schemas['BankIDTestResult']>('POST', '/api/bankid/test').then((r) => ({
    ok: r.ok === true,
    code: r.code ?? '',
    message: r.message ?? '',
    detail: r.detail ?? '',
  }));
}
