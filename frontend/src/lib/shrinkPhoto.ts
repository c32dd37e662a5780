// Shrinks a chosen photo before it is uploaded, in a worker when the browser
// has one with OffscreenCanvas, else on the page. Whatever goes wrong (an old
// browser, a format it cannot decode, memory, too long), the answer is null
// and the original file is uploaded as before: the server checks everything.
import { shrinkHere, type Shrunk, type Unshrunk } from './shrinkCanvas';

export type { Shrunk } from './shrinkCanvas';

/** Longer than this and the original goes instead. */
export const SHRINK_TIMEOUT_MS = 20_000;

type Reply = { result: Shrunk | Unshrunk };

/** In a worker; 'nowork' when the worker cannot run at all (then try here). */
function inWorker(file: Blob, timeoutMs: number): Promise<Shrunk | Unshrunk | 'nowork'> {
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = new Worker(new URL('./shrink.worker.ts', import.meta.url), { type: 'module' });
    } catch {
      resolve('nowork');
      return;
    }
    const done = (r: Shrunk | Unshrunk | 'nowork') => {
      clearTimeout(timer);
      w.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done('failed'), timeoutMs);
    w.onmessage = (e: MessageEvent<Reply>) => done(e.data?.result ?? 'failed');
    w.onerror = (e) => {
      e.preventDefault();
      done('nowork');
    };
    w.onmessageerror = () => done('failed');
    w.postMessage(file);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, late: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(late), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(late);
      },
    );
  });
}

/**
 * The photo to upload instead of file, or null to upload file itself (already
 * small, or it could not be shrunk here).
 */
export async function shrinkPhoto(file: Blob, timeoutMs = SHRINK_TIMEOUT_MS): Promise<Shrunk | null> {
  if (typeof createImageBitmap !== 'function') return null;
  let r: Shrunk | Unshrunk | 'nowork' = 'nowork';
  if (typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined') r = await inWorker(file, timeoutMs);
  if (r === 'nowork') r = await withTimeout(shrinkHere(file), timeoutMs, 'failed' as const);
  return typeof r === 'object' ? r : null;
}
