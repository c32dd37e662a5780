import { describe, expect, test } from 'vitest';
import {
  SHRINK_ATTEMPTS,
  SHRINK_LONG_SIDE,
  SHRINK_MAX_BYTES,
  orientMatrix,
  orientationApplied,
  readJpegInfo,
  sendShrunk,
  smallEnough,
  targetSize,
  tiffOrientation,
  uprightSize,
  withOrientation,
  worthShrinking,
} from './shrink';

/** A JPEG's header as a camera writes it: SOI, APP0 (JFIF), SOFn w×h, SOS. */
function jpegHeader(w: number, h: number, sof = 0xc0): Uint8Array {
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const dht = [0xff, 0xc4, 0, 3, 0]; // a table before the frame (its marker is in SOFn's range)
  const sofSeg = [0xff, sof, 0, 11, 8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0];
  const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0];
  return new Uint8Array([0xff, 0xd8, ...app0, ...dht, ...sofSeg, ...sos, 1, 2, 3, 0xff, 0xd9]);
}

/** An EXIF APP1 in little-endian order with other tags before the orientation. */
function littleEndianExif(orientation: number): number[] {
  const entry = (tag: number, type: number, value: number) => [tag & 0xff, tag >> 8, type, 0, 1, 0, 0, 0, value & 0xff, value >> 8, 0, 0];
  const tiff = [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 3, 0, ...entry(0x010f, 2, 0), ...entry(0x0110, 2, 0), ...entry(0x0112, 3, orientation), 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  return [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
}

describe('readJpegInfo', () => {
  test('reads the stored size and no orientation as 1', () => {
    expect(readJpegInfo(jpegHeader(4000, 3000))).toEqual({ width: 4000, height: 3000, orientation: 1 });
    expect(readJpegInfo(jpegHeader(3024, 4032, 0xc2))).toEqual({ width: 3024, height: 4032, orientation: 1 }); // progressive
  });

  test('reads every orientation from a big-endian EXIF segment', () => {
    for (let o = 1; o <= 8; o++) {
      expect(readJpegInfo(withOrientation(jpegHeader(4000, 3000), o))).toEqual({ width: 4000, height: 3000, orientation: o });
    }
  });

  test('reads a little-endian EXIF segment with other tags first', () => {
    const h = jpegHeader(4032, 3024);
    const b = new Uint8Array([0xff, 0xd8, ...littleEndianExif(6), ...h.subarray(2)]);
    expect(readJpegInfo(b)).toEqual({ width: 4032, height: 3024, orientation: 6 });
  });

  test('an orientation out of range or of the wrong type counts as none', () => {
    expect(readJpegInfo(withOrientation(jpegHeader(40, 30), 9))?.orientation).toBe(1);
    expect(readJpegInfo(withOrientation(jpegHeader(40, 30), 0))?.orientation).toBe(1);
    const t = Array.from(withOrientation(jpegHeader(40, 30), 6));
    t[2 + 4 + 6 + 8 + 2 + 3] = 4; // LONG instead of SHORT
    expect(readJpegInfo(new Uint8Array(t))?.orientation).toBe(1);
  });

  test('not a JPEG, or damaged, gives null and never throws', () => {
    expect(readJpegInfo(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeNull();
    expect(readJpegInfo(new Uint8Array([]))).toBeNull();
    const full = withOrientation(jpegHeader(4000, 3000), 6);
    // Every truncation: either null (the frame header is cut) or the right answer.
    for (let n = 0; n < full.length; n++) {
      const r = readJpegInfo(full.subarray(0, n));
      if (r) expect(r).toEqual({ width: 4000, height: 3000, orientation: 6 });
    }
    // Random bytes after the start marker.
    let seed = 7;
    for (let k = 0; k < 500; k++) {
      const b = new Uint8Array(64);
      for (let i = 0; i < b.length; i++) b[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      b[0] = 0xff;
      b[1] = 0xd8;
      expect(() => readJpegInfo(b)).not.toThrow();
    }
    // A segment length past the end.
    expect(readJpegInfo(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0]))).toBeNull();
    // Pixels before any frame header.
    expect(readJpegInfo(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
  });

  test('tiffOrientation refuses a bad header or an IFD outside the data', () => {
    expect(tiffOrientation(new Uint8Array([0x49, 0x49, 0x2a]))).toBe(0);
    expect(tiffOrientation(new Uint8Array([0x41, 0x42, 0, 0x2a, 0, 0, 0, 8]))).toBe(0);
    expect(tiffOrientation(new Uint8Array([0x4d, 0x4d, 0, 0x2a, 0xff, 0, 0, 8, 0, 1]))).toBe(0);
  });
});

describe('targetSize', () => {
  test('a 12 MP photo gets a long side of SHRINK_LONG_SIDE either way round', () => {
    expect(targetSize({ width: 4000, height: 3000 })).toEqual({ width: 1800, height: 1350 });
    expect(targetSize({ width: 3000, height: 4000 })).toEqual({ width: 1350, height: 1800 });
    expect(targetSize({ width: 4032, height: 3024 })).toEqual({ width: 1800, height: 1350 });
  });

  test('never enlarges', () => {
    expect(targetSize({ width: 320, height: 400 })).toEqual({ width: 320, height: 400 });
    expect(targetSize({ width: 1800, height: 1200 })).toEqual({ width: 1800, height: 1200 });
  });

  test('a later attempt scales the target down further', () => {
    expect(targetSize({ width: 4000, height: 3000 }, undefined, 0.8)).toEqual({ width: 1440, height: 1080 });
  });

  test('enough for the card: a crop of a quarter of the long side beats ID06\u2019s 414 px, half of it fills the 900 px card', () => {
    expect(SHRINK_LONG_SIDE / 4).toBeGreaterThanOrEqual(414);
    expect(SHRINK_LONG_SIDE / 2).toBeGreaterThanOrEqual(900);
    expect(SHRINK_LONG_SIDE).toBeLessThanOrEqual(2400); // the server's SourceMaxSide
    // Even the last attempt keeps more than the least crop on a 4:3 photo's short side.
    const last = SHRINK_ATTEMPTS[SHRINK_ATTEMPTS.length - 1];
    expect(targetSize({ width: 4000, height: 3000 }, undefined, last.scale).height).toBeGreaterThanOrEqual(414 * 1.5);
  });

  test('uprightSize swaps the axes for orientations 5–8 only', () => {
    for (let o = 1; o <= 8; o++) {
      expect(uprightSize({ width: 4, height: 3 }, o)).toEqual(o >= 5 ? { width: 3, height: 4 } : { width: 4, height: 3 });
    }
  });
});

describe('when to shrink', () => {
  const mb = 1024 * 1024;
  test('a big phone photo is shrunk', () => {
    expect(worthShrinking({ size: 4 * mb, type: 'image/jpeg' }, { width: 4000, height: 3000, orientation: 1 })).toBe(true);
  });
  test('a small upright JPEG goes as it is', () => {
    expect(worthShrinking({ size: 200_000, type: 'image/jpeg' }, { width: 1280, height: 1600, orientation: 1 })).toBe(false);
    expect(worthShrinking({ size: 50_000, type: 'image/jpeg' }, { width: 320, height: 400, orientation: 1 })).toBe(false);
  });
  test('a small JPEG still shrinks when turned, too many bytes, or too large', () => {
    expect(worthShrinking({ size: 200_000, type: 'image/jpeg' }, { width: 1280, height: 1600, orientation: 6 })).toBe(true);
    expect(worthShrinking({ size: SHRINK_MAX_BYTES + 1, type: 'image/jpeg' }, { width: 1280, height: 1600, orientation: 1 })).toBe(true);
    expect(worthShrinking({ size: 200_000, type: 'image/jpeg' }, { width: 1801, height: 1600, orientation: 1 })).toBe(true);
  });
  test('anything else (a PNG) is made a JPEG', () => {
    expect(worthShrinking({ size: 3 * mb, type: 'image/png' }, null)).toBe(true);
  });
  test('encodings: stop at the byte limit; send only what is smaller than the file', () => {
    expect(smallEnough(SHRINK_MAX_BYTES)).toBe(true);
    expect(smallEnough(SHRINK_MAX_BYTES + 1)).toBe(false);
    expect(sendShrunk(600_000, 4 * mb)).toBe(true);
    expect(sendShrunk(600_000, 500_000)).toBe(false);
    expect(sendShrunk(0, 500_000)).toBe(false);
  });
  test('the attempts get smaller and start at the best quality', () => {
    for (let i = 1; i < SHRINK_ATTEMPTS.length; i++) {
      const a = SHRINK_ATTEMPTS[i - 1];
      const b = SHRINK_ATTEMPTS[i];
      expect(b.quality * b.scale * b.scale).toBeLessThan(a.quality * a.scale * a.scale);
    }
    expect(SHRINK_ATTEMPTS[0]).toEqual({ quality: 0.85, scale: 1 });
  });
});

describe('orientation', () => {
  const stored = { width: 4000, height: 3000 };
  test('orientation 1 (or none known) needs nothing', () => {
    expect(orientationApplied(1, stored, stored, false)).toBe(true);
    expect(orientationApplied(0, stored, stored, false)).toBe(true);
  });
  test('5–8: told by the decoded size, whatever the probe says', () => {
    for (const o of [5, 6, 7, 8]) {
      expect(orientationApplied(o, stored, { width: 3000, height: 4000 }, false)).toBe(true);
      expect(orientationApplied(o, stored, stored, true)).toBe(false);
    }
  });
  test('2–4 and a square photo: the probe decides', () => {
    for (const o of [2, 3, 4]) {
      expect(orientationApplied(o, stored, stored, true)).toBe(true);
      expect(orientationApplied(o, stored, stored, false)).toBe(false);
    }
    const square = { width: 2000, height: 2000 };
    expect(orientationApplied(6, square, square, true)).toBe(true);
    expect(orientationApplied(6, square, square, false)).toBe(false);
  });

  // internal/photo's orient (the server's reference), continuous: where a
  // stored point (x, y) of a w×h picture shows upright.
  function reference(o: number, x: number, y: number, w: number, h: number): [number, number] {
    switch (o) {
      case 2:
        return [w - x, y];
      case 3:
        return [w - x, h - y];
      case 4:
        return [x, h - y];
      case 5:
        return [y, x];
      case 6:
        return [h - y, x];
      case 7:
        return [h - y, w - x];
      case 8:
        return [y, w - x];
      default:
        return [x, y];
    }
  }

  test('orientMatrix puts every stored point where the server does', () => {
    const w = 40; // stored, already scaled to the target
    const h = 30;
    for (let o = 1; o <= 8; o++) {
      const up = uprightSize({ width: w, height: h }, o);
      const [a, b, c, d, e, f] = orientMatrix(o, up.width, up.height);
      for (const [x, y] of [[0, 0], [w, 0], [0, h], [w, h], [7, 3], [31, 22]]) {
        const got = [a * x + c * y + e, b * x + d * y + f];
        expect(got, `orientation ${o}, (${x}, ${y})`).toEqual(reference(o, x, y, w, h));
      }
    }
  });
});
