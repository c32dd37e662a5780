// Timers of the kiosk, without any DOM: the idle timeout ("Are you still
// there?" after idleMs without a touch, then the wipe warnMs later unless
// someone touches the screen) and plain second-by-second countdowns (the
// photo's 3-2-1, the thank-you screen's return to the start).

export type IdlePhase = 'stopped' | 'active' | 'warning' | 'expired';

export interface IdleTimerOptions {
  /** Time without input before the warning. */
  idleMs: number;
  /** How long the warning stays before the session ends (20 s). */
  warnMs: number;
  /** The warning starts or its count changes: whole seconds left, counting down. */
  onWarn: (secondsLeft: number) => void;
  /** Someone touched the screen during the warning: it is gone. */
  onResume?: () => void;
  /** Nobody answered: end the session. Called once; the timer is then stopped. */
  onExpire: () => void;
}

export const WARN_MS = 20_000;

export class IdleTimer {
  private phaseValue: IdlePhase = 'stopped';
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private expireTimer: ReturnType<typeof setTimeout> | undefined;
  private deadline = 0;
  private lastShown = -1;
  private idleMs: number;

  constructor(private readonly o: IdleTimerOptions) {
    this.idleMs = o.idleMs;
  }

  get phase(): IdlePhase {
    return this.phaseValue;
  }

  /** Starts (or restarts) counting from now. */
  start(): void {
    this.clear();
    this.phaseValue = 'active';
    this.idleTimer = setTimeout(() => this.warn(), this.idleMs);
  }

  /** Stops without calling anything. */
  stop(): void {
    this.clear();
    this.phaseValue = 'stopped';
  }

  /** A touch, a key, a click: the person is still there. Ignored when stopped or expired. */
  activity(): void {
    if (this.phaseValue === 'stopped' || this.phaseValue === 'expired') return;
    const wasWarning = this.phaseValue === 'warning';
    this.start();
    if (wasWarning) this.o.onResume?.();
  }

  /** A new idle time (e.g. from the server's status), from the next activity on. */
  setIdleMs(ms: number): void {
    this.idleMs = ms;
    if (this.phaseValue === 'active') this.start();
  }

  private warn(): void {
    this.clear();
    this.phaseValue = 'warning';
    this.deadline = Date.now() + this.o.warnMs;
    this.lastShown = -1;
    this.tick();
    this.tickTimer = setInterval(() => this.tick(), 250);
    this.expireTimer = setTimeout(() => this.expire(), this.o.warnMs);
  }

  private tick(): void {
    const left = Math.max(0, Math.ceil((this.deadline - Date.now()) / 1000));
    if (left === this.lastShown || left === 0) return;
    this.lastShown = left;
    this.o.onWarn(left);
  }

  private expire(): void {
    this.clear();
    this.phaseValue = 'expired';
    this.o.onExpire();
  }

  private clear(): void {
    clearTimeout(this.idleTimer);
    clearInterval(this.tickTimer);
    clearTimeout(this.expireTimer);
    this.idleTimer = this.tickTimer = this.expireTimer = undefined;
  }
}

/**
 * Counts whole seconds down from `seconds`: onTick(seconds) at once, then
 * onTick(seconds-1) … onTick(1) a second apart, and onDone a second after
 * the 1. Returns a function that cancels it (nothing more is called).
 */
export function countdown(seconds: number, onTick: (left: number) => void, onDone: () => void): () => void {
  let left = Math.max(0, Math.floor(seconds));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const step = () => {
    if (cancelled) return;
    if (left <= 0) {
      onDone();
      return;
    }
    onTick(left);
    left--;
    timer = setTimeout(step, 1000);
  };
  step();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
