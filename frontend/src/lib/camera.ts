// The kiosk camera's two loops, without any DOM: the preview (poll the next
// JPEG frame, show it, then free the one before) and the QR scan (long-poll
// until an invitation code is seen). Both stop at once when told to, never
// run two requests at a time, and wait a little after an error. The
// components give them the fetch and show functions (see CameraPreview).
import { unavailableState, type CameraState, type Frame, type ScanResult } from '../api/kiosk';

export type LoopStatus =
  | { kind: 'live' }
  | { kind: 'unavailable'; state: CameraState }
  | { kind: 'error'; error: unknown };

/** Waits ms, or less when the signal aborts. Never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function isAbort(e: unknown): boolean {
  return (e instanceof DOMException || e instanceof Error) && e.name === 'AbortError';
}

/**
 * The wait before try number `failures` (1, 2, …) after errors: short at
 * first (a camera being reopened is back in a moment), then `maxMs`.
 */
export function backoff(failures: number, maxMs: number): number {
  return Math.min(maxMs, 250 * 2 ** Math.max(0, failures - 1));
}

function statusOf(e: unknown): LoopStatus {
  const state = unavailableState(e);
  return state ? { kind: 'unavailable', state } : { kind: 'error', error: e };
}

function sameStatus(a: LoopStatus | null, b: LoopStatus): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'unavailable' && b.kind === 'unavailable') return a.state === b.state;
  return a.kind === 'live';
}

/** Start/stop around one async loop with its own AbortController. */
abstract class Loop {
  private ctrl: AbortController | null = null;
  private last: LoopStatus | null = null;

  constructor(private readonly onStatus?: (s: LoopStatus) => void) {}

  get running(): boolean {
    return this.ctrl !== null;
  }

  start(): void {
    if (this.ctrl) return;
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.last = null;
    void this.run(ctrl.signal).finally(() => {
      if (this.ctrl === ctrl) this.ctrl = null;
    });
  }

  stop(): void {
    this.ctrl?.abort();
    this.ctrl = null;
  }

  protected status(s: LoopStatus): void {
    if (sameStatus(this.last, s)) return;
    this.last = s;
    this.onStatus?.(s);
  }

  protected fail(e: unknown): void {
    this.status(statusOf(e));
  }

  protected abstract run(signal: AbortSignal): Promise<void>;
}

export interface FramePollerOptions {
  /** The next frame newer than `after` (GET frame.jpg?after=…). */
  fetchFrame: (after: number, signal: AbortSignal) => Promise<Frame>;
  /** Puts the frame on screen; resolves once it is shown (decoded). */
  show: (url: string, seq: number) => Promise<void> | void;
  onStatus?: (s: LoopStatus) => void;
  createUrl?: (blob: Blob) => string;
  revokeUrl?: (url: string) => void;
  /** Wait after a failed request before the next one. */
  retryMs?: number;
}

/**
 * The live preview: one frame request at a time, each asking for a frame
 * newer than the last one shown, so it runs at the camera's rate without
 * busy-looping. Each frame becomes an object URL; the previous one is
 * revoked as soon as the new one is on screen, and the last on dispose().
 */
export class FramePoller extends Loop {
  private after = 0;
  private shown: string | null = null;
  private readonly o: Required<Omit<FramePollerOptions, 'onStatus'>>;

  constructor(opts: FramePollerOptions) {
    super(opts.onStatus);
    this.o = {
      fetchFrame: opts.fetchFrame,
      show: opts.show,
      createUrl: opts.createUrl ?? ((b) => URL.createObjectURL(b)),
      revokeUrl: opts.revokeUrl ?? ((u) => URL.revokeObjectURL(u)),
      retryMs: opts.retryMs ?? 2000,
    };
  }

  /** The seq of the frame on screen (0 before the first). */
  get seq(): number {
    return this.after;
  }

  /** Stops and frees the frame shown last. */
  dispose(): void {
    this.stop();
    if (this.shown) this.o.revokeUrl(this.shown);
    this.shown = null;
  }

  protected async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const frame = await this.o.fetchFrame(this.after, signal);
        if (signal.aborted) return;
        failures = 0;
        // Nothing newer within the server's wait: ask again.
        if (frame.seq === this.after && this.shown) continue;
        const url = this.o.createUrl(frame.blob);
        try {
          await this.o.show(url, frame.seq);
        } catch (e) {
          this.o.revokeUrl(url);
          throw e;
        }
        const previous = this.shown;
        this.shown = url;
        if (previous) this.o.revokeUrl(previous);
        // A camera opened again starts counting anew: follow it down too.
        this.after = frame.seq;
        this.status({ kind: 'live' });
      } catch (e) {
        if (signal.aborted || isAbort(e)) return;
        this.fail(e);
        await sleep(backoff(++failures, this.o.retryMs), signal);
      }
    }
  }
}

export interface QrScannerOptions {
  scan: (after: number, signal: AbortSignal) => Promise<ScanResult>;
  /** Called once with the token of the first invitation code seen; the scanner has stopped. */
  onFound: (token: string) => void;
  onStatus?: (s: LoopStatus) => void;
  retryMs?: number;
  /** Shortest time between two scan requests, should the server answer at once. */
  minIntervalMs?: number;
}

/** Long-polls the scan until a code is seen, then stops and reports it. */
export class QrScanner extends Loop {
  private readonly o: Required<Omit<QrScannerOptions, 'onStatus'>>;

  constructor(opts: QrScannerOptions) {
    super(opts.onStatus);
    this.o = {
      scan: opts.scan,
      onFound: opts.onFound,
      retryMs: opts.retryMs ?? 2000,
      minIntervalMs: opts.minIntervalMs ?? 100,
    };
  }

  protected async run(signal: AbortSignal): Promise<void> {
    let after = 0;
    let failures = 0;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        const r = await this.o.scan(after, signal);
        if (signal.aborted) return;
        failures = 0;
        // No newer frame in the whole wait: the camera stalled or was opened
        // again and counts from 1. Ask for the latest frame next time.
        after = r.seq === after ? 0 : r.seq;
        if (r.token) {
          this.stop();
          this.o.onFound(r.token);
          return;
        }
        this.status({ kind: 'live' });
        await sleep(this.o.minIntervalMs - (Date.now() - started), signal);
      } catch (e) {
        if (signal.aborted || isAbort(e)) return;
        this.fail(e);
        await sleep(backoff(++failures, this.o.retryMs), signal);
      }
    }
  }
}

/**
 * The camera's state, asked of the station until it says "ready" or has
 * said the same thing `tries` times `delayMs` apart: a camera being
 * reopened (a rescan, a USB hiccup) reads "unplugged" for a moment, which
 * is no reason to tell the person the camera is gone. "offline" when the
 * station does not answer.
 */
export async function settledCameraState(
  getState: () => Promise<CameraState>,
  opts: { tries?: number; delayMs?: number; signal?: AbortSignal } = {},
): Promise<CameraState | 'offline'> {
  const tries = opts.tries ?? 3;
  let last: CameraState | 'offline' = 'offline';
  for (let i = 0; i < tries; i++) {
    if (i > 0) await sleep(opts.delayMs ?? 700, opts.signal);
    try {
      last = await getState();
    } catch {
      last = 'offline';
    }
    if (last === 'ready') return last;
  }
  return last;
}
