// Swedish BankID, as in /work/notes/bankid-api.md: the cardholder's
// identification (public, by invitation token) and the admin's Settings →
// BankID (the certificate files, their status, a test call).
import { request } from './client';

export type BankIDStatus = 'pending' | 'complete' | 'failed';

/** The progress of one identification, as the registration page shows it. */
export interface BankIDState {
  status: BankIDStatus;
  hintCode: string;
  /** BankID's message code (RFA1, RFA13 …). */
  rfa: string;
  /** What to tell the person, in both languages (may be empty). */
  message: { sv: string; en: string };
  /** The current animated QR data; empty once the identification ended. */
  qr: string;
  autoStartToken: string;
}

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
  return request<unknown>('POST', base(token), { body: { sameDevice } }).then(normalizeState);
}

/** The progress; 404 not_found when no identification was started. */
export function getBankIDState(token: string, signal?: AbortSignal): Promise<BankIDState> {
  return request<unknown>('GET', base(token), { signal }).then(normalizeState);
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

export interface BankIDConfigStatus {
  configured: boolean;
  environment: string;
  files: Record<BankIDFile, boolean>;
  /** What is wrong with the configuration, in the language of the request ("" when nothing). */
  problem: string;
  /** The technical error behind it (not translated). */
  problemDetail: string;
}

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
  return request<unknown>('GET', '/api/bankid/status').then(normalizeConfigStatus);
}

/** Stores a certificate file (its raw bytes); an empty body removes it. */
export function putBankIDFile(name: BankIDFile, data: Blob | null): Promise<BankIDConfigStatus> {
  const body = data ?? new Blob([]);
  return request<unknown>('PUT', `/api/bankid/files/${encodeURIComponent(name)}`, {
    raw: { contentType: 'application/octet-stream', data: body },
  }).then(normalizeConfigStatus);
}

export interface BankIDTestResult {
  ok: boolean;
  code: string;
  /** What went wrong, in the language of the request. */
  message: string;
  /** The technical error (not translated). */
  detail: string;
}

export function testBankID(): Promise<BankIDTestResult> {
  return request<unknown>('POST', '/api/bankid/test').then((v) => {
    const r = obj(v);
    return { ok: r.ok === true, code: str(r.code), message: str(r.message), detail: str(r.detail) };
  });
}
