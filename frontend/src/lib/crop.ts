// Geometry of the photo crop editor: a 35:45 frame (7:9) inside the source
// image, in source pixels. Pure functions; the server fixes the ratio and
// clamps again, these only keep what the person sees honest.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Card photo ratio 35:45 = 7:9 (width:height). */
export const RATIO = 7 / 9;

/** ID06's minimum card photo (300×410 px) in source pixels (see internal/photo). */
export const MIN_CROP: Size = { width: 300, height: 410 };

/** Smallest k with 7k×9k ≥ MIN_CROP: 46 → 322×414, the server's least crop. */
export const MIN_K = Math.max(Math.ceil(MIN_CROP.width / 7), Math.ceil(MIN_CROP.height / 9));

/**
 * Where the head should sit in the frame, as shares of the frame: the server
 * aims for a head of 75 % of the height (65–85 % pass) below a 9 % margin.
 */
export const HEAD_GUIDE = { cx: 0.5, cy: 0.09 + 0.75 / 2, rx: 0.33, ry: 0.375 } as const;

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(v, hi));
}

/** Largest k for which a 7k×9k frame fits the image. */
export function maxK(size: Size): number {
  return Math.max(0, Math.floor(Math.min(size.width / 7, size.height / 9)));
}

/** Whether the image is large enough for a crop the server accepts. */
export function canCropSharp(size: Size): boolean {
  return maxK(size) >= MIN_K;
}

/** Widest 35:45 frame that fits the image (continuous). */
export function maxWidth(size: Size): number {
  return Math.min(size.width, size.height * RATIO);
}

/**
 * The narrowest frame the editor allows: ID06's minimum, or the whole
 * image when it is smaller than that (the server then says why).
 */
export function minWidth(size: Size): number {
  return Math.min(MIN_K * 7, maxWidth(size));
}

/**
 * Any rectangle to a 35:45 frame inside the image: width between the minimum
 * and the maximum, height from the width, centre kept where it can be.
 */
export function clampRect(r: Rect, size: Size, minW: number = minWidth(size)): Rect {
  const maxW = maxWidth(size);
  const w = clamp(r.width, Math.min(minW, maxW), maxW);
  const h = w / RATIO;
  const cx = r.x + r.width / 2;
  const cy = r.y + r.height / 2;
  return {
    x: clamp(cx - w / 2, 0, size.width - w),
    y: clamp(cy - h / 2, 0, size.height - h),
    width: w,
    height: h,
  };
}

/** The frame moved by (dx, dy) source pixels, stopping at the edges. */
export function moveRect(r: Rect, dx: number, dy: number, size: Size): Rect {
  return {
    ...r,
    x: clamp(r.x + dx, 0, Math.max(0, size.width - r.width)),
    y: clamp(r.y + dy, 0, Math.max(0, size.height - r.height)),
  };
}

/** The frame scaled by factor around its centre, kept inside the image. */
export function resizeRect(r: Rect, factor: number, size: Size, minW: number = minWidth(size)): Rect {
  const w = r.width * factor;
  const h = w / RATIO;
  return clampRect(
    { x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h },
    size,
    minW,
  );
}

export type Handle = 'nw' | 'ne' | 'sw' | 'se';

/**
 * Dragging a corner handle by (dx, dy) from the frame `start`: the opposite
 * corner stays put, the ratio stays 35:45, and the frame never leaves the
 * image nor gets smaller than the minimum. The pointer's larger movement (in
 * width units) decides the size, so the corner follows it closely.
 */
export function resizeFromHandle(
  start: Rect,
  handle: Handle,
  dx: number,
  dy: number,
  size: Size,
  minW: number = minWidth(size),
): Rect {
  const sx = handle === 'ne' || handle === 'se' ? 1 : -1;
  const sy = handle === 'sw' || handle === 'se' ? 1 : -1;
  const gx = sx * dx;
  const gy = sy * dy * RATIO;
  const grow = Math.abs(gx) >= Math.abs(gy) ? gx : gy;
  // The fixed (opposite) corner.
  const ax = sx > 0 ? start.x : start.x + start.width;
  const ay = sy > 0 ? start.y : start.y + start.height;
  const roomX = sx > 0 ? size.width - ax : ax;
  const roomY = (sy > 0 ? size.height - ay : ay) * RATIO;
  const room = Math.max(0, Math.min(roomX, roomY));
  const w = clamp(start.width + grow, Math.min(minW, room), room);
  const h = w / RATIO;
  return { x: sx > 0 ? ax : ax - w, y: sy > 0 ? ay : ay - h, width: w, height: h };
}

/**
 * Whole pixels for the server: exactly 7k×9k (as its own suggestion is),
 * centred on the frame and inside the image.
 */
export function snapRect(r: Rect, size: Size): Rect {
  const kMax = maxK(size);
  if (kMax < 1) return { x: 0, y: 0, width: 0, height: 0 };
  const k = clamp(Math.round(r.width / 7), Math.min(MIN_K, kMax), kMax);
  const w = 7 * k;
  const h = 9 * k;
  return {
    x: clamp(Math.round(r.x + (r.width - w) / 2), 0, size.width - w),
    y: clamp(Math.round(r.y + (r.height - h) / 2), 0, size.height - h),
    width: w,
    height: h,
  };
}

/** Same frame, give or take the rounding snapRect does. */
export function sameRect(a: Rect, b: Rect, tolerance = 1): boolean {
  return (
    Math.abs(a.x - b.x) <= tolerance &&
    Math.abs(a.y - b.y) <= tolerance &&
    Math.abs(a.width - b.width) <= tolerance &&
    Math.abs(a.height - b.height) <= tolerance
  );
}

export type KeyAction =
  | { kind: 'move'; dx: number; dy: number }
  | { kind: 'resize'; factor: number };

/** A key on the focused frame: arrows move, + and − resize (Shift: bigger steps). */
export function keyAction(key: string, shift: boolean): KeyAction | null {
  const m = shift ? 10 : 1;
  switch (key) {
    case 'ArrowLeft':
      return { kind: 'move', dx: -m, dy: 0 };
    case 'ArrowRight':
      return { kind: 'move', dx: m, dy: 0 };
    case 'ArrowUp':
      return { kind: 'move', dx: 0, dy: -m };
    case 'ArrowDown':
      return { kind: 'move', dx: 0, dy: m };
    case '+':
    case '=':
    case 'Add':
      return { kind: 'resize', factor: shift ? 1.2 : 1.05 };
    case '-':
    case '_':
    case 'Subtract':
      return { kind: 'resize', factor: shift ? 1 / 1.2 : 1 / 1.05 };
    default:
      return null;
  }
}

/** One arrow-key step: 1 % of the image's shorter side (at least 1 px). */
export function moveStep(size: Size): number {
  return Math.max(1, Math.round(Math.min(size.width, size.height) / 100));
}

/** The frame after a key, or null when the key does nothing here. */
export function applyKey(r: Rect, key: string, shift: boolean, size: Size, minW: number = minWidth(size)): Rect | null {
  const a = keyAction(key, shift);
  if (!a) return null;
  if (a.kind === 'move') {
    const step = moveStep(size);
    return moveRect(r, a.dx * step, a.dy * step, size);
  }
  return resizeRect(r, a.factor, size, minW);
}

/** The frame as CSS percentages of the image, for drawing it over the picture. */
export function toPercent(r: Rect, size: Size): { left: number; top: number; width: number; height: number } {
  return {
    left: (r.x / size.width) * 100,
    top: (r.y / size.height) * 100,
    width: (r.width / size.width) * 100,
    height: (r.height / size.height) * 100,
  };
}

/** Whole percentages for a spoken description of where the frame is. */
export function describeRect(r: Rect, size: Size): { left: number; top: number; width: number } {
  return {
    left: Math.round((r.x / size.width) * 100),
    top: Math.round((r.y / size.height) * 100),
    width: Math.round((r.width / size.width) * 100),
  };
}
