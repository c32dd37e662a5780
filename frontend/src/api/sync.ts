import { request } from './client';
import type { components } from './schema';

export type SyncKiosk = components['schemas']['SyncKiosk'];
export type SyncKioskList = components['schemas']['SyncKioskList'];
export type SyncRefusal = components['schemas']['SyncRefusal'];
export type PairKioskResult = components['schemas']['PairKioskResult'];
export type PairingQR = components['schemas']['PairingQR'];
export type SyncImportResult = components['schemas']['SyncImportResult'];
export type SyncConflict = components['schemas']['SyncConflict'];
export type SyncConflictList = components['schemas']['SyncConflictList'];
export type ConsoleMailStatus = components['schemas']['ConsoleMailStatus'];
export type ConsoleMailKiosk = components['schemas']['ConsoleMailKiosk'];
export type ConsoleMailRound = components['schemas']['ConsoleMailRound'];
export type ConsoleMailRun = components['schemas']['ConsoleMailRun'];
export type SyncMailEntry = components['schemas']['SyncMailEntry'];
export type SyncMailProblem = components['schemas']['SyncMailProblem'];
export type MailTest = components['schemas']['MailTest'];

/** The paired kiosks, the newest refusals and the pending conflicts' count. */
export function listKiosks(): Promise<SyncKioskList> {
  return request<SyncKioskList>('GET', '/api/sync/kiosks');
}

/** Pairs a new kiosk; its pairing file is at the answer's pairingUrl. */
export function pairKiosk(name: string, site: string, mailAddress = ''): Promise<PairKioskResult> {
  return request<PairKioskResult>('POST', '/api/sync/kiosks', { body: { name, site, mailAddress } });
}

/** A not-yet-joined kiosk's pairing QR code (and file link) again; refused once it has joined or was revoked. */
export function getPairingQR(id: string): Promise<PairingQR> {
  return request<PairingQR>('GET', `/api/sync/kiosks/${encodeURIComponent(id)}/pairing/qr`);
}

/** Revokes a kiosk's pairing: its bundles are refused from now on. */
export function revokeKiosk(id: string): Promise<{ kiosk: SyncKiosk }> {
  return request<{ kiosk: SyncKiosk }>('POST', `/api/sync/kiosks/${encodeURIComponent(id)}/revoke`);
}

/** Imports a kiosk's bundle (the file as it is). */
export function importBundle(file: Blob): Promise<SyncImportResult> {
  return request<SyncImportResult>('POST', '/api/sync/import', { raw: { contentType: 'application/octet-stream', data: file } });
}

/** The pending conflicts. */
export function listConflicts(): Promise<SyncConflictList> {
  return request<SyncConflictList>('GET', '/api/sync/conflicts');
}

/** Keeps one of two registrations of the same invitation. */
export function resolveConflict(id: string, keep: 'existing' | 'kiosk'): Promise<void> {
  return request<void>('POST', `/api/sync/conflicts/${encodeURIComponent(id)}/resolve`, { body: { keep } });
}

/** The console's sync by mail: transport, each kiosk's mail status, the latest sync mails. */
export function getConsoleMail(): Promise<ConsoleMailStatus> {
  return request<ConsoleMailStatus>('GET', '/api/sync/mail');
}

/** One mail round now: collect what arrived, mail the kiosks their site packs. */
export function runConsoleMail(): Promise<ConsoleMailRun> {
  return request<ConsoleMailRun>('POST', '/api/sync/mail/run', { body: {} });
}

/** Checks the sync mailbox with the saved settings (a failure is ok false, not an error). */
export function testConsoleMail(): Promise<MailTest> {
  return request<MailTest>('POST', '/api/sync/mail/test', { body: {} });
}
