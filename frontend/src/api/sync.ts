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

/** The paired kiosks, the newest refusals and the pending conflicts' count. */
export function listKiosks(): Promise<SyncKioskList> {
  return request<SyncKioskList>('GET', '/api/sync/kiosks');
}

/** Pairs a new kiosk; its pairing file is at the answer's pairingUrl. */
export function pairKiosk(name: string, site: string): Promise<PairKioskResult> {
  return request<PairKioskResult>('POST', '/api/sync/kiosks', { body: { name, site } });
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
