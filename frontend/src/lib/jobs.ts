// What Settings → About shows of a background job: its name in the
// admin's language and the state of its last round.

import type { Job } from '../api/jobs';
import type { MessageKey } from './i18n';

const names: Record<string, MessageKey> = {
  housekeeping: 'settings.about.job.housekeeping',
  outbox: 'settings.about.job.outbox',
  nexus_files: 'settings.about.job.nexus_files',
  kiosk_pairing: 'settings.about.job.kiosk_pairing',
  sync_mail: 'settings.about.job.sync_mail',
  backup: 'settings.about.job.backup',
};

/** The text key naming a job; null for a job this UI does not know yet (show its name). */
export function jobNameKey(name: string): MessageKey | null {
  return names[name] ?? null;
}

export type JobState = 'never' | 'running' | 'ok' | 'failed';

/** The state of a job's last round. */
export function jobState(job: Job): JobState {
  if (job.running) return 'running';
  if (!job.lastRun) return 'never';
  return job.lastError ? 'failed' : 'ok';
}
