// The session as the backend sees it (GET /api/session).
import { ApiError, NETWORK_ERROR } from '../api/client';
import { getSession, type Session } from '../api/session';

export const auth = $state<{ session: Session | null; error: ApiError | null; loading: boolean }>({
  session: null,
  error: null,
  loading: true,
});

export async function refreshSession(): Promise<Session | null> {
  auth.loading = true;
  try {
    const s = await getSession();
    auth.session = s;
    auth.error = null;
    return s;
  } catch (e) {
    auth.error = e instanceof ApiError ? e : new ApiError(0, NETWORK_ERROR, String(e));
    return null;
  } finally {
    auth.loading = false;
  }
}
