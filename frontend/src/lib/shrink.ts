// The decisions of shrinking a chosen photo in the browser before it is
// uploaded (see shrinkPhoto.ts for the canvas work): how large, which way up,
// how hard to compress, and when to leave the file alone. Pure functions.
//
// The server never trusts any of this: it checks the upload's format, size
// and pixels again, turns it upright by its own EXIF reading and crops around
// the face it finds itself. Shrinking only saves the phone's upload.

export interface Size {
  width: number;
  height: number;
}

/**
 * The longest side of the photo sent: 1800 px, twice the card photo's height
 * (internal/photo: 700×900 px, 35:45). The server crops around the face it
 * detects and renders that crop at up to 700×900, so a crop covering half of
 * the photo's long side (a head and shoulders photo) still fills the card at
 * full resolution, and one covering only a quarter of it still gives more
 * than ID06's least 322×414. Anything above 2400 px the server scales away at
 * once (photo.SourceMaxSide), so more would only cost upload time.
 */
export const SHRINK_LONG_SIDE = 1800;

/** The most bytes a shrunk photo may take (a 12 MP photo uploads as ≤ 1 MB). */
export const SHRINK_MAX_BYTES = 1_000_000;

/** JPEG quality of the first encoding; a larger result tries the next steps. */
export const SHRINK_QUALITY = 0.85;

/** The encodings tried in turn until one fits SHRINK_MAX_BYTES. */
export const SHRINK_ATTEMPTS: readonly { quality: number; scale: number }[] = [
  { quality: SHRINK_QUALITY, scale: 1 },
  { quality: 0.72, scale: 1 },
  { quality: 0.72, scale: 0.8 },
  { quality: 0.6, scale: 0.64 },
];

/** What a JPEG's header says: its stored size and EXIF orientation (1–8). */
export interface JpegInfo {
  width: number;
  height: number;
  orientation: number;
}

function u16(b: Uint8Array, i: number, little: boolean): number {
  return little ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1];
}

function u32(b: Uint8Array, i: number, little: boolean): number {
  return little
    ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0
    : ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

/**
 * Tag 0x0112 (Orientation, one SHORT 1–8) of IFD0 in a TIFF structure of
 * either byte order, or 0 when there is none. As internal/photo/exif.go.
 */
export function tiffOrientation(t: Uint8Array): number {
  if (t.length < 8) return 0;
  let little: boolean;
  if (t[0] === 0x49 && t[1] === 0x49 && t[2] === 0x2a && t[3] === 0) little = true;
  else if (t[0] === 0x4d && t[1] === 0x4d && t[2] === 0 && t[3] === 0x2a) little = false;
  else return 0;
  const ifd = u32(t, 4, little);
  if (ifd < 8 || ifd + 2 > t.length) return 0;
  const first = ifd + 2;
  const n = Math.min(u16(t, ifd, little), Math.floor((t.length - first) / 12));
  for (let k = 0; k < n; k++) {
    const e = first + 12 * k;
    if (u16(t, e, little) !== 0x0112) continue;
    if (u16(t, e + 2, little) !== 3 || u32(t, e + 4, little) !== 1) return 0;
    const v = u16(t, e + 8, little);
    return v >= 1 && v <= 8 ? v : 0;
  }
  return 0;
}

/**
 * Reads a JPEG's segments up to its frame header: the stored width and
 * height (SOFn) and the EXIF orientation (APP1), 1 when there is none.
 * null when b does not start like a JPEG or ends before the frame header
 * (pass at least the first 64 KiB of the file). Never reads outside b.
 */
export function readJpegInfo(b: Uint8Array): JpegInfo | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let orientation = 1;
  let i = 2;
  while (i + 2 <= b.length) {
    if (b[i] !== 0xff) return null;
    const m = b[i + 1];
    if (m === 0xff) {
      i++;
      continue;
    }
    i += 2;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) continue;
    if (m === 0xd9 || m === 0xda) return null; // no frame header before the pixels
    if (i + 2 > b.length) return null;
    const n = (b[i] << 8) | b[i + 1];
    if (n < 2 || n > b.length - i) return null;
    const seg = b.subarray(i + 2, i + n);
    if (m === 0xe1 && seg.length >= 6 && String.fromCharCode(...seg.subarray(0, 6)) === 'Exif\0\0') {
      orientation = tiffOrientation(seg.subarray(6)) || orientation;
    }
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC).
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (seg.length < 5) return null;
      const height = (seg[1] << 8) | seg[2];
      const width = (seg[3] << 8) | seg[4];
      return width > 0 && height > 0 ? { width, height, orientation } : null;
    }
    i += n;
  }
  return null;
}

/** Orientations 5–8 swap the axes. */
export function swapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

/** The size shown upright for a stored size and its orientation. */
export function uprightSize(stored: Size, orientation: number): Size {
  return swapsAxes(orientation) ? { width: stored.height, height: stored.width } : { ...stored };
}

/** The size scaled (never up) so that its longer side is at most longSide. */
export function targetSize(size: Size, longSide = SHRINK_LONG_SIDE, scale = 1): Size {
  const long = Math.max(size.width, size.height);
  const k = Math.min(1, (longSide * scale) / long);
  return { width: Math.max(1, Math.round(size.width * k)), height: Math.max(1, Math.round(size.height * k)) };
}

/**
 * Whether the file is worth shrinking: not when it is a JPEG that is already
 * small (no larger than the target, upright as stored, within the byte
 * limit), which goes as it is. Anything else the browser can decode is made
 * into a JPEG of the target size (a PNG too: the server takes JPEG).
 */
export function worthShrinking(file: { size: number; type: string }, info: JpegInfo | null): boolean {
  if (!info) return true;
  const long = Math.max(info.width, info.height);
  return !(long <= SHRINK_LONG_SIDE && info.orientation === 1 && file.size <= SHRINK_MAX_BYTES);
}

/**
 * Whether the browser's decode already turned the picture upright: decided by
 * its size when the orientation swaps the axes (a square photo excepted),
 * otherwise by what a probe image showed this browser does (probe: decoding
 * a tiny photo with orientation 6 gave it upright).
 */
export function orientationApplied(orientation: number, stored: Size, decoded: Size, probe: boolean): boolean {
  if (orientation <= 1 || orientation > 8) return true;
  if (swapsAxes(orientation) && stored.width !== stored.height) {
    return decoded.width === stored.height && decoded.height === stored.width;
  }
  return probe;
}

/** A 2D transform matrix [a, b, c, d, e, f] as canvas' setTransform takes it. */
export type Matrix = [number, number, number, number, number, number];

/**
 * The transform that draws a stored picture, drawn at (0, 0) with its
 * stored axes scaled to the target, upright on a canvas of the upright
 * target size w×h (as internal/photo's orient, turned continuous).
 */
export function orientMatrix(orientation: number, w: number, h: number): Matrix {
  switch (orientation) {
    case 2:
      return [-1, 0, 0, 1, w, 0];
    case 3:
      return [-1, 0, 0, -1, w, h];
    case 4:
      return [1, 0, 0, -1, 0, h];
    case 5:
      return [0, 1, 1, 0, 0, 0];
    case 6:
      return [0, 1, -1, 0, w, 0];
    case 7:
      return [0, -1, -1, 0, w, h];
    case 8:
      return [0, -1, 1, 0, 0, h];
    default:
      return [1, 0, 0, 1, 0, 0];
  }
}

/** An encoding small enough to stop trying further ones. */
export function smallEnough(bytes: number): boolean {
  return bytes <= SHRINK_MAX_BYTES;
}

/**
 * Whether the shrunk photo is the one to send rather than the file chosen:
 * when it is smaller. (A file already smaller goes as it is; the server turns
 * it upright and scales it itself.)
 */
export function sendShrunk(shrunkBytes: number, originalBytes: number): boolean {
  return shrunkBytes > 0 && shrunkBytes < originalBytes;
}

/**
 * A JPEG file with an EXIF segment holding only the orientation tag put
 * right after its start marker (for the browser probe and the tests).
 */
export function withOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  // "Exif\0\0", TIFF header (big-endian, IFD0 at 8), one entry, no next IFD.
  const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const seg = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const out = new Uint8Array(jpeg.length + seg.length);
  out.set(jpeg.subarray(0, 2), 0);
  out.set(seg, 2);
  out.set(jpeg.subarray(2), 2 + seg.length);
  return out;
}

/** What the page says while it works on the photo. */
export type ShrinkPhase = 'shrinking' | 'uploading';
