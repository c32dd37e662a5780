// The canvas work of shrinking a photo, the same in a worker (OffscreenCanvas)
// and on the page (a <canvas> when there is no OffscreenCanvas). The
// decisions are shrink.ts's.
import {
  SHRINK_ATTEMPTS,
  orientMatrix,
  orientationApplied,
  readJpegInfo,
  sendShrunk,
  smallEnough,
  swapsAxes,
  targetSize,
  uprightSize,
  withOrientation,
  worthShrinking,
  type Size,
} from './shrink';

/** A shrunk photo: an upright JPEG without metadata, and its size. */
export interface Shrunk {
  blob: Blob;
  width: number;
  height: number;
}

/** Why a photo goes as it is: nothing to gain, or the browser could not. */
export type Unshrunk = 'small' | 'failed';

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;

function makeCanvas(w: number, h: number): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

function context(c: AnyCanvas): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D {
  const g = c.getContext('2d', { alpha: false }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!g) throw new Error('no 2d context');
  return g;
}

function encode(c: AnyCanvas, quality: number): Promise<Blob> {
  if ('convertToBlob' in c) return c.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) =>
    c.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob gave nothing'))), 'image/jpeg', quality),
  );
}

/**
 * Decodes asking for the EXIF orientation to be applied; a browser that does
 * not know the option (a TypeError) decodes with its default.
 */
async function decode(file: Blob): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    if (e instanceof TypeError) return createImageBitmap(file);
    throw e;
  }
}

let probed: Promise<boolean> | undefined;

/**
 * Whether this browser's createImageBitmap turns a photo upright by its
 * EXIF orientation: a 2×1 JPEG tagged 6 (turn 90°) decodes as 1×2. Once.
 */
export function decodeAppliesOrientation(): Promise<boolean> {
  probed ??= (async () => {
    try {
      const c = makeCanvas(2, 1);
      context(c).fillRect(0, 0, 2, 1);
      const plain = new Uint8Array(await (await encode(c, 0.9)).arrayBuffer());
      const bmp = await decode(new Blob([withOrientation(plain, 6) as BlobPart], { type: 'image/jpeg' }));
      const upright = bmp.width === 1 && bmp.height === 2;
      bmp.close();
      return upright;
    } catch {
      return true; // no probe: trust the size check (orientations 5–8)
    }
  })();
  return probed;
}

/**
 * Shrinks a photo here (this thread): decoded upright, scaled so its longer
 * side is SHRINK_LONG_SIDE, on white (a transparent PNG), encoded as JPEG
 * at the first of SHRINK_ATTEMPTS that fits the byte limit. Answers why not
 * instead: 'small' (the file is already small, or smaller than any
 * encoding), 'failed' (the browser cannot decode or draw it).
 */
export async function shrinkHere(file: Blob): Promise<Shrunk | Unshrunk> {
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  const info = readJpegInfo(head);
  if (!worthShrinking(file, info)) return 'small';
  let bmp: ImageBitmap;
  try {
    bmp = await decode(file);
  } catch {
    return 'failed';
  }
  try {
    const decoded: Size = { width: bmp.width, height: bmp.height };
    const orientation = info?.orientation ?? 1;
    const stored: Size = info ? { width: info.width, height: info.height } : decoded;
    const upright = orientationApplied(orientation, stored, decoded, await decodeAppliesOrientation());
    const turn = upright ? 1 : orientation;
    const full = upright ? decoded : uprightSize(decoded, orientation);
    let best: Shrunk | undefined;
    for (const { quality, scale } of SHRINK_ATTEMPTS) {
      const { width, height } = targetSize(full, undefined, scale);
      const c = makeCanvas(width, height);
      const g = context(c);
      g.fillStyle = 'white'; // a transparent PNG on white, as the server does
      g.fillRect(0, 0, width, height);
      g.imageSmoothingEnabled = true;
      g.imageSmoothingQuality = 'high';
      g.setTransform(...orientMatrix(turn, width, height));
      // Drawn in its stored axes: width and height swap for 5–8.
      const [dw, dh] = swapsAxes(turn) ? [height, width] : [width, height];
      g.drawImage(bmp, 0, 0, dw, dh);
      const blob = await encode(c, quality);
      if (!best || blob.size < best.blob.size) best = { blob, width, height };
      if (smallEnough(blob.size)) break;
    }
    return best && sendShrunk(best.blob.size, file.size) ? best : 'small';
  } catch {
    return 'failed';
  } finally {
    bmp.close();
  }
}
