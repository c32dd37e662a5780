// The registration kiosk (internal/httpapi/openapi.json, tag kiosk): its status and
// camera, the preview frames, the QR scan, the photo capture of the
// registration, the idle wipe of a draft, the PIN to leave kiosk mode.
import { ApiError, request, requestBlob } from './client';
import { normalizeSession, type RegistrationSession, type Session } from './register';
import type { components } from './schema';

type Schemas = components['schemas'];

export type CameraState = Schemas['CameraStatus']['state'];

/** The camera as the UI uses it: the server's CameraStatus with label and size filled in. */
export type CameraStatus = Required<Schemas['CameraStatus']>;

/** The kiosk's status; idleSeconds: seconds without a touch before "Are you still there?". */
export type KioskStatus = Omit<Schemas['KioskStatus'], 'camera'> & { camera: CameraStatus };

/** Used when the server leaves idleSeconds out or sends nonsense. */
export const DEFAULT_IDLE_SECONDS = 90;

const CAMERA_STATES: readonly CameraState[] = ['ready', 'none', 'unplugged', 'error'];

type Raw = Record<string, unknown>;

function obj(v: unknown): Raw {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {};
}

/** A camera state the UI knows ("error" for anything else). */
export function cameraState(v: unknown): CameraState {
  return typeof v === 'string' && (CAMERA_STATES as readonly string[]).includes(v) ? (v as CameraState) : 'error';
}

export function normalizeStatus(v: unknown): KioskStatus {
  const s = obj(v);
  const c = obj(s.camera);
  const idle = typeof s.idleSeconds === 'number' && Number.isFinite(s.idleSeconds) && s.idleSeconds > 0 ? s.idleSeconds : DEFAULT_IDLE_SECONDS;
  return {
    kiosk: s.kiosk === true,
    idleSeconds: idle,
    pinSet: s.pinSet === true,
    camera: {
      state: cameraState(c.state),
      label: typeof c.label === 'string' ? c.label : '',
      width: typeof c.width === 'number' ? c.width : 0,
      height: typeof c.height === 'number' ? c.height : 0,
    },
  };
}

export function getKioskStatus(signal?: AbortSignal): Promise<KioskStatus> {
  return request<Schemas['KioskStatus']>('GET', '/api/kiosk/status', { signal }).then(normalizeStatus);
}

/** Looks for cameras again and opens the chosen one ("Try again"). */
export function rescanCamera(): Promise<KioskStatus> {
  return request<Schemas['KioskStatus']>('POST', '/api/kiosk/camera/rescan').then(normalizeStatus);
}

export interface Frame {
  blob: Blob;
  /** The frame's number (X-Frame-Seq); ask for frames after it next. */
  seq: number;
}

/**
 * The next preview frame newer than `after` (the server waits up to a second
 * for one). 503 `camera_unavailable` with details.state when there is no picture.
 */
export async function getFrame(after: number, width: number, signal?: AbortSignal): Promise<Frame> {
  const res = await requestBlob('GET', '/api/kiosk/camera/frame.jpg', {
    query: { after: String(after), width: String(Math.round(width)) },
    signal,
  });
  const seq = Number.parseInt(res.headers.get('X-Frame-Seq') ?? '', 10);
  return { blob: res.blob, seq: Number.isFinite(seq) ? seq : after };
}

/** token: the invitation token of a QR code seen, or "" when none was found in time. */
export type ScanResult = Schemas['ScanResult'];

/** Long-polls (≤ 2 s) for an invitation QR code in a frame newer than `after`. */
export function scan(after: number, signal?: AbortSignal): Promise<ScanResult> {
  return request<ScanResult>('GET', '/api/kiosk/scan', { query: { after: String(after) }, signal }).then((r) => ({
    token: r.token.trim(),
    seq: r.seq,
  }));
}

/** The camera state a `camera_unavailable` answer names, or null for other errors. */
export function unavailableState(e: unknown): CameraState | null {
  if (!(e instanceof ApiError) || e.code !== 'camera_unavailable') return null;
  return cameraState(e.details?.state ?? 'none');
}

function registerBase(token: string): string {
  return `/api/register/${encodeURIComponent(token)}`;
}

/** Takes the registration photo with the kiosk camera; answers like an upload. */
export function capturePhoto(token: string): Promise<Session> {
  return request<RegistrationSession>('POST', `${registerBase(token)}/photo/capture`).then(normalizeSession);
}

/**
 * Discards the unfinished registration. reason 'idle' (the idle wipe) lets
 * the server keep it when Settings → Kiosk says so; 'cancel' always deletes.
 */
export function deleteDraft(token: string, reason: 'idle' | 'cancel' = 'cancel'): Promise<void> {
  return request<void>('DELETE', `${registerBase(token)}/draft`, { query: { reason } });
}

/** Leaves kiosk mode (the window closes, or `serve --kiosk` stops). */
export function exitKiosk(pin: string): Promise<void> {
  return request<void>('POST', '/api/kiosk/exit', { body: { pin } });
}

/** Admin: sets the PIN that leaves kiosk mode (4–12 digits). */
export function setKioskPin(pin: string): Promise<void> {
  return request<void>('PUT', '/api/kiosk/pin', { body: { pin } });
}
