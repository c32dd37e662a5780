import { describe, expect, it } from 'vitest';
import { jobNameKey, jobState } from './jobs';
import { translate } from './i18n';
import type { Job } from '../api/jobs';

const base: Job = { name: 'outbox', everySeconds: 60, runs: 0, running: false, lastRun: null, lastDurationMs: 0, nextRun: null };

describe('jobs', () => {
  it('names the App’s jobs in Swedish and English, and falls back to the name', () => {
    for (const name of ['housekeeping', 'outbox']) {
      const key = jobNameKey(name);
      expect(key).not.toBeNull();
      expect(translate('sv', key!)).not.toBe(translate('en', key!));
    }
    expect(jobNameKey('nexus')).toBeNull();
  });

  it('says how the last round went', () => {
    expect(jobState(base)).toBe('never');
    expect(jobState({ ...base, running: true, lastRun: '2026-12-04T09:00:00Z' })).toBe('running');
    expect(jobState({ ...base, runs: 1, lastRun: '2026-12-04T09:00:00Z' })).toBe('ok');
    expect(jobState({ ...base, runs: 1, lastRun: '2026-12-04T09:00:00Z', lastError: 'sweep: disk I/O error' })).toBe('failed');
  });
});
