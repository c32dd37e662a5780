import { request } from './client';
import type { components } from './schema';

/** The backups' state (GET /api/backup): last attempt, last good backup, next, warning. */
export type BackupStatus = components['schemas']['BackupStatus'];
export type BackupResult = components['schemas']['BackupResult'];

export function getBackup(): Promise<BackupStatus> {
  return request<BackupStatus>('GET', '/api/backup');
}

/** Back up now (POST /api/backup): the new status, or an error saying why not. */
export function backupNow(): Promise<BackupStatus> {
  return request<BackupStatus>('POST', '/api/backup');
}
