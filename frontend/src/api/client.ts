// The one place that talks HTTP. Feature modules (health.ts, session.ts, ...)
// call request(); components never build URLs or call fetch themselves.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait before trying again (from Retry-After), if given. */
  readonly retryAfter?: number;
  /** Per-field messages (`error.fields`), keyed by field or setting key, in the language of the request. */
  readonly fields?: Record<string, string>;
  /** The stable code of each field message (`error.fieldCodes`), e.g. `{personnummer: 'checksum'}`. */
  readonly fieldCodes?: Record<string, string>;
  /** Facts for the message (`error.details`), e.g. `{expiredOn, company}`. */
  readonly details?: Record<string, string>;
  /** The whole parsed error body, for answers that carry more (e.g. `rows`). */
  readonly body?: unknown;

  constructor(
    status: number,
    code: string,
    message: string,
    retryAfter?: number,
    extra: {
      fields?: Record<string, string>;
      fieldCodes?: Record<string, string>;
      details?: Record<string, string>;
      body?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.fields = extra.fields;
    this.fieldCodes = extra.fieldCodes;
    this.details = extra.details;
    this.body = extra.body;
  }
}

/** Any thrown value as an ApiError (network and programming errors as 'unknown'). */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'unknown', String(e));
}

/**
 * The language the server answers in (Accept-Language on every call): its
 * messages, field messages and mail errors come in the UI's language. The
 * locale module keeps it in step with the language switch.
 */
let requestLocale = 'sv';

export function setRequestLocale(locale: string): void {
  requestLocale = locale;
}

export function getRequestLocale(): string {
  return requestLocale;
}

/** Code used when no HTTP answer arrived at all. */
export const NETWORK_ERROR = 'network';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  query?: Record<string, string>;
  body?: unknown;
  /** A body sent as is (not JSON), e.g. CSV text or a photo; overrides `body`. */
  raw?: { contentType: string; text: string } | { contentType: string; data: Blob };
  /** Non-2xx statuses whose body is a normal answer (e.g. 503 from /api/health). */
  acceptStatus?: number[];
  /** The Accept header of requestBlob (default: pictures, or a JSON error). */
  accept?: string;
  signal?: AbortSignal;
  /** Extra request headers (e.g. the kiosk admin view's X-Kiosk-Ticket). */
  headers?: Record<string, string>;
}

const fallbackCodes: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
  503: 'unavailable',
};

function codeForStatus(status: number): string {
  return fallbackCodes[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return parseInt(trimmed, 10);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Turns a non-2xx response into an ApiError, whatever its body holds. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let code = codeForStatus(res.status);
  let message = res.statusText || `HTTP ${res.status}`;
  let fields: Record<string, string> | undefined;
  let fieldCodes: Record<string, string> | undefined;
  let details: Record<string, string> | undefined;
  let parsed: unknown;
  try {
    const text = await res.text();
    if (text) {
      const body: unknown = JSON.parse(text);
      parsed = body;
      const err = (body as { error?: unknown } | null)?.error;
      if (err && typeof err === 'object') {
        const e = err as { code?: unknown; message?: unknown; fields?: unknown; fieldCodes?: unknown; details?: unknown };
        if (typeof e.code === 'string' && e.code) code = e.code;
        if (typeof e.message === 'string' && e.message) message = e.message;
        if (e.fields && typeof e.fields === 'object') {
          fields = {};
          for (const [k, v] of Object.entries(e.fields as Record<string, unknown>)) {
            if (typeof v === 'string') fields[k] = v;
          }
        }
        if (e.fieldCodes && typeof e.fieldCodes === 'object') {
          fieldCodes = {};
          for (const [k, v] of Object.entries(e.fieldCodes as Record<string, unknown>)) {
            if (typeof v === 'string') fieldCodes[k] = v;
          }
        }
        if (e.details && typeof e.details === 'object') {
          details = {};
          for (const [k, v] of Object.entries(e.details as Record<string, unknown>)) {
            if (typeof v === 'string' || typeof v === 'number') details[k] = String(v);
          }
        }
      }
    }
  } catch {
    // Not JSON (a proxy page, an empty body): keep the status-based code.
  }
  return new ApiError(res.status, code, message, retryAfter, { fields, fieldCodes, details, body: parsed });
}

export function buildUrl(path: string, query?: Record<string, string>): string {
  if (!path.startsWith('/api/')) throw new Error(`API paths start with /api/: ${path}`);
  const qs = query ? new URLSearchParams(query).toString() : '';
  return qs ? `${path}?${qs}` : path;
}

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers, Accept: 'application/json', 'Accept-Language': requestLocale };
  let body: string | Blob | undefined;
  if (opts.raw) {
    headers['Content-Type'] = opts.raw.contentType;
    body = 'data' in opts.raw ? opts.raw.data : opts.raw.text;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ApiError(0, NETWORK_ERROR, `Network error: ${detail}`);
  }
  if (!res.ok && !opts.acceptStatus?.includes(res.status)) {
    throw await errorFromResponse(res);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'internal', 'The server sent an answer that is not JSON.');
  }
}

/** A binary answer (e.g. a camera frame) with the headers that describe it. */
export interface BlobResponse {
  blob: Blob;
  headers: Headers;
  status: number;
}

/**
 * Like request(), for answers that are not JSON (images). Error answers are
 * still JSON and become ApiError as usual.
 */
export async function requestBlob(method: Method, path: string, opts: RequestOptions = {}): Promise<BlobResponse> {
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers: { Accept: opts.accept ?? 'image/*, application/json', 'Accept-Language': requestLocale },
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ApiError(0, NETWORK_ERROR, `Network error: ${detail}`);
  }
  if (!res.ok && !opts.acceptStatus?.includes(res.status)) {
    throw await errorFromResponse(res);
  }
  return { blob: await res.blob(), headers: res.headers, status: res.status };
}

/** The file name a Content-Disposition header gives, or fallback. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? '');
  const name = m ? m[1].trim() : '';
  // Only a plain name: never a path.
  return name && !/[\\/]/.test(name) ? name : fallback;
}

/**
 * Downloads a file the server makes (a CSV export, a batch's zip) and hands
 * it to the browser as a download. An error answer (JSON) becomes an
 * ApiError like any other, so the page can say what went wrong.
 */
export async function downloadFile(path: string, fallbackName: string, query?: Record<string, string>): Promise<string> {
  const { blob, headers } = await requestBlob('GET', path, { query, accept: '*/*' });
  const name = fileNameOf(headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    // Let the click start the download before the URL goes.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return name;
}
