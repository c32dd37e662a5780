// The kiosk's offline sync with its console (internal/httpapi/openapi.json,
// tag kiosk): the admin view opened with the PIN (a ticket), the status,
// pairing by file, exporting a bundle to a drive, importing a site pack.
import { request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type KioskSync = Schemas['KioskSync'];
export type ExportFolder = Schemas['KioskExportFolder'];
export type Joined = Schemas['KioskSyncJoined'];
export type Exported = Schemas['KioskSyncExported'];
export type Applied = Schemas['KioskSyncApplied'];
export type JoinScan = Schemas['KioskSyncJoinScan'];
export type Left = Schemas['KioskSyncLeft'];

const TICKET = 'X-Kiosk-Ticket';

/** Opens the kiosk's admin view with the PIN; the ticket goes with every sync call. */
export async function openKioskAdmin(pin: string): Promise<string> {
  const r = await request<Schemas['KioskAdminTicket']>('POST', '/api/kiosk/admin', { body: { pin } });
  return r.ticket;
}

export function getKioskSync(ticket: string): Promise<KioskSync> {
  return request<KioskSync>('GET', '/api/kiosk/sync', { headers: { [TICKET]: ticket } });
}

/** Pairs the kiosk with the console that wrote the pairing file. */
export function joinConsole(ticket: string, file: Blob): Promise<Joined> {
  return request<Joined>('POST', '/api/kiosk/sync/join', {
    headers: { [TICKET]: ticket },
    raw: { contentType: 'application/octet-stream', data: file },
  });
}

/**
 * Long-polls (≤ 2 s) the kiosk camera for the console's pairing QR code in a
 * frame newer than `after`; when it sees one, the kiosk joins with it (the
 * answer has `joined` and `status`), else only `seq`.
 */
export function joinByQR(ticket: string, after: number, signal?: AbortSignal): Promise<JoinScan> {
  return request<JoinScan>('POST', '/api/kiosk/sync/join/scan', { headers: { [TICKET]: ticket }, body: { after }, signal });
}

/** Unpairs the kiosk; `force` also deletes sealed registrations the console has not acknowledged. */
export function leaveConsole(ticket: string, force: boolean): Promise<Left> {
  return request<Left>('POST', '/api/kiosk/sync/leave', { headers: { [TICKET]: ticket }, body: { force } });
}

/** Writes the bundle of pending registrations into one of the offered folders. */
export function exportBundle(ticket: string, folder: string): Promise<Exported> {
  return request<Exported>('POST', '/api/kiosk/sync/export', { headers: { [TICKET]: ticket }, body: { folder } });
}

/** Applies a site pack from the console. */
export function importSitePack(ticket: string, file: Blob): Promise<Applied> {
  return request<Applied>('POST', '/api/kiosk/sync/import', {
    headers: { [TICKET]: ticket },
    raw: { contentType: 'application/octet-stream', data: file },
  });
}

export type KioskMail = Schemas['KioskMail'];
export type KioskMailRound = Schemas['KioskMailRound'];

/** The kiosk's sync by mail: sending, collecting, its outbox and its relay and mailbox settings. */
export function getKioskMail(ticket: string): Promise<KioskMail> {
  return request<KioskMail>('GET', '/api/kiosk/sync/mail', { headers: { [TICKET]: ticket } });
}

/** One mail round now: mail the waiting registrations, collect site packs. */
export function runKioskMail(ticket: string): Promise<KioskMail> {
  return request<KioskMail>('POST', '/api/kiosk/sync/mail/run', { headers: { [TICKET]: ticket }, body: {} });
}

/** Changes the kiosk's relay and mailbox; an empty password keeps the stored one. */
export function setKioskMail(ticket: string, values: Record<string, string>): Promise<KioskMail> {
  return request<KioskMail>('PUT', '/api/kiosk/sync/mail', { headers: { [TICKET]: ticket }, body: { values } });
}
