import { request } from './client';

export interface LookupResult {
  /** The invitation token the code stands for; opens #/register/<token>. */
  token: string;
}

/** Looks up an invitation by the short code a cardholder types. */
export function lookupCode(code: string): Promise<LookupResult> {
  return request<LookupResult>('POST', '/api/register/lookup', { body: { code } });
}

/** What the server tells about a valid invitation (fields grow with the feature). */
export type InvitationInfo = Record<string, unknown>;

export function getInvitation(token: string): Promise<InvitationInfo> {
  return request<InvitationInfo>('GET', '/api/register/invitation', { query: { token } });
}
