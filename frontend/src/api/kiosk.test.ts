import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import { cameraState, DEFAULT_IDLE_SECONDS, normalizeStatus, unavailableState } from './kiosk';

describe('normalizeStatus', () => {
  it('reads the contract shape', () => {
    expect(
      normalizeStatus({
        kiosk: true,
        idleSeconds: 45,
        pinSet: true,
        camera: { state: 'ready', label: 'USB Camera', width: 1920, height: 1080 },
      }),
    ).toEqual({ kiosk: true, idleSeconds: 45, pinSet: true, camera: { state: 'ready', label: 'USB Camera', width: 1920, height: 1080 } });
  });

  it('fills what is missing: no camera details, no idle time', () => {
    expect(normalizeStatus({ camera: { state: 'unplugged' } })).toEqual({
      kiosk: false,
      idleSeconds: DEFAULT_IDLE_SECONDS,
      pinSet: false,
      camera: { state: 'unplugged', label: '', width: 0, height: 0 },
    });
    expect(normalizeStatus(null).camera.state).toBe('error');
    expect(normalizeStatus({ idleSeconds: 0 }).idleSeconds).toBe(DEFAULT_IDLE_SECONDS);
    expect(normalizeStatus({ idleSeconds: '30' }).idleSeconds).toBe(DEFAULT_IDLE_SECONDS);
  });
});

describe('camera states', () => {
  it('knows the four states and calls anything else an error', () => {
    for (const s of ['ready', 'none', 'unplugged', 'error']) expect(cameraState(s)).toBe(s);
    expect(cameraState('exploded')).toBe('error');
    expect(cameraState(undefined)).toBe('error');
  });

  it('reads the state of a camera_unavailable answer, nothing else', () => {
    const e = (code: string, details?: Record<string, string>) => new ApiError(503, code, 'x', undefined, { details });
    expect(unavailableState(e('camera_unavailable', { state: 'unplugged' }))).toBe('unplugged');
    expect(unavailableState(e('camera_unavailable'))).toBe('none');
    expect(unavailableState(e('unavailable', { state: 'none' }))).toBeNull();
    expect(unavailableState(new Error('x'))).toBeNull();
  });
});
