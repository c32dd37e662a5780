// The photo shrinking off the page's thread: a Blob in, a Shrunk or the
// reason it was not shrunk out (see shrinkCanvas.ts).
import { shrinkHere } from './shrinkCanvas';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Blob>) => void) | null;
  postMessage(m: unknown): void;
};

scope.onmessage = (e) => {
  shrinkHere(e.data).then(
    (result) => scope.postMessage({ result }),
    () => scope.postMessage({ result: 'failed' }),
  );
};
