import { request } from './client';
import type { components } from './schema';

/**
 * One background job (GET /api/jobs): lastRun is null before the first
 * round, nextRun while one runs; lastError (a technical detail in English)
 * is absent when the last round succeeded.
 */
export type Job = components['schemas']['Job'];

/** GET /api/jobs: the background jobs, for Settings → About. */
export async function getJobs(): Promise<Job[]> {
  const body = await request<components['schemas']['JobList']>('GET', '/api/jobs');
  return body.jobs;
}
