import { describe, expect, it } from 'vitest';
import {
  applyKey,
  canCropSharp,
  clampRect,
  describeRect,
  keyAction,
  maxK,
  MIN_CROP,
  MIN_K,
  minWidth,
  moveRect,
  moveStep,
  RATIO,
  resizeFromHandle,
  resizeRect,
  snapRect,
  toPercent,
  type Rect,
  type Size,
} from './crop';

const big: Size = { width: 2400, height: 1800 };
const suggested: Rect = { x: 700, y: 100, width: 700, height: 900 };

function expectRatio(r: Rect) {
  expect(r.width / r.height).toBeCloseTo(RATIO, 9);
}

function expectInside(r: Rect, size: Size) {
  expect(r.x).toBeGreaterThanOrEqual(0);
  expect(r.y).toBeGreaterThanOrEqual(0);
  expect(r.x + r.width).toBeLessThanOrEqual(size.width + 1e-9);
  expect(r.y + r.height).toBeLessThanOrEqual(size.height + 1e-9);
}

describe('limits', () => {
  it('MIN_K gives the smallest 7k×9k at least ID06\'s 300×410', () => {
    expect(MIN_K).toBe(46);
    expect(7 * MIN_K).toBeGreaterThanOrEqual(MIN_CROP.width);
    expect(9 * MIN_K).toBeGreaterThanOrEqual(MIN_CROP.height);
    expect(7 * (MIN_K - 1) < MIN_CROP.width || 9 * (MIN_K - 1) < MIN_CROP.height).toBe(true);
  });

  it('knows when an image is too small for a sharp crop', () => {
    expect(maxK(big)).toBe(200);
    expect(canCropSharp(big)).toBe(true);
    expect(canCropSharp({ width: 320, height: 400 })).toBe(false);
    expect(canCropSharp({ width: 322, height: 414 })).toBe(true);
    expect(canCropSharp({ width: 321, height: 414 })).toBe(false);
    expect(canCropSharp({ width: 322, height: 413 })).toBe(false);
    expect(maxK({ width: 5, height: 5 })).toBe(0);
  });

  it('a 1280×720 webcam frame (a kiosk camera setting) crops sharp enough, down to ID06\'s minimum', () => {
    const webcam = { width: 1280, height: 720 };
    expect(canCropSharp(webcam)).toBe(true);
    expect(minWidth(webcam)).toBe(322);
    expect(snapRect(clampRect({ x: 0, y: 0, width: 10, height: 10 }, webcam), webcam)).toEqual({ x: 0, y: 0, width: 322, height: 414 });
  });

  it('the minimum width is ID06\'s minimum, or the whole image when smaller', () => {
    expect(minWidth(big)).toBe(322);
    expect(minWidth({ width: 320, height: 400 })).toBeCloseTo(311.11, 1);
  });
});

describe('clampRect', () => {
  it('fixes the ratio around the centre', () => {
    const r = clampRect({ x: 1000, y: 500, width: 700, height: 700 }, big);
    expectRatio(r);
    expect(r.width).toBe(700);
    expect(r.x + r.width / 2).toBeCloseTo(1350);
    expect(r.y + r.height / 2).toBeCloseTo(850);
  });

  it('keeps it inside the image and between the minimum and the maximum', () => {
    const tooBig = clampRect({ x: -100, y: -100, width: 5000, height: 9000 }, big);
    expectRatio(tooBig);
    expectInside(tooBig, big);
    expect(tooBig.height).toBeCloseTo(1800);

    const tooSmall = clampRect({ x: 10, y: 10, width: 50, height: 60 }, big);
    expect(tooSmall.width).toBe(322);
    expectInside(tooSmall, big);

    const offside = clampRect({ x: 2300, y: 1700, width: 700, height: 900 }, big);
    expectInside(offside, big);
    expect(offside.x).toBe(1700);
    expect(offside.y).toBe(900);
  });

  it('uses the whole height of an image smaller than ID06\'s minimum', () => {
    const small = { width: 320, height: 400 };
    const r = clampRect({ x: 0, y: 0, width: 100, height: 100 }, small);
    expect(r.height).toBeCloseTo(400);
    expectInside(r, small);
  });
});

describe('moving and resizing', () => {
  it('moves and stops at the edges', () => {
    expect(moveRect(suggested, 100, 50, big)).toEqual({ ...suggested, x: 800, y: 150 });
    expect(moveRect(suggested, -5000, -5000, big)).toEqual({ ...suggested, x: 0, y: 0 });
    expect(moveRect(suggested, 5000, 5000, big)).toEqual({ ...suggested, x: 1700, y: 900 });
  });

  it('resizes around the centre, keeping 35:45', () => {
    const r = resizeRect(suggested, 1.2, big);
    expectRatio(r);
    expect(r.width).toBeCloseTo(840);
    expect(r.x + r.width / 2).toBeCloseTo(1050);
    expect(r.y + r.height / 2).toBeCloseTo(550);
    expect(resizeRect(suggested, 0.1, big).width).toBe(322);
    const max = resizeRect(suggested, 10, big);
    expect(max.height).toBeCloseTo(1800);
    expectInside(max, big);
  });

  it('drags the south-east corner with the north-west corner fixed', () => {
    const r = resizeFromHandle(suggested, 'se', 70, 10, big);
    expect(r.x).toBe(700);
    expect(r.y).toBe(100);
    expect(r.width).toBeCloseTo(770);
    expectRatio(r);
    // The vertical movement dominates: 90 px down is 70 px wider.
    const v = resizeFromHandle(suggested, 'se', 0, 90, big);
    expect(v.width).toBeCloseTo(770);
  });

  it('drags the north-west corner with the south-east corner fixed', () => {
    const r = resizeFromHandle(suggested, 'nw', -70, 0, big);
    expect(r.x + r.width).toBeCloseTo(1400);
    expect(r.y + r.height).toBeCloseTo(1000);
    expect(r.width).toBeCloseTo(770);
    expectRatio(r);
  });

  it('stops a corner at the image edge and at the minimum size', () => {
    const grown = resizeFromHandle(suggested, 'nw', -5000, -5000, big);
    expectInside(grown, big);
    expect(grown.y).toBeCloseTo(0);
    expect(grown.y + grown.height).toBeCloseTo(1000);
    expectRatio(grown);
    const shrunk = resizeFromHandle(suggested, 'ne', -5000, 5000, big);
    expect(shrunk.width).toBe(322);
    expect(shrunk.x).toBe(700);
    expect(shrunk.y + shrunk.height).toBeCloseTo(1000);
  });
});

describe('snapRect', () => {
  it('gives whole 7k×9k pixels inside the image', () => {
    const r = snapRect({ x: 700.4, y: 99.6, width: 703.2, height: 904.1 }, big);
    expect(r.width % 7).toBe(0);
    expect(r.height % 9).toBe(0);
    expect(r.width / 7).toBe(r.height / 9);
    expect(r).toEqual({ x: 702, y: 102, width: 700, height: 900 });
    expectInside(snapRect({ x: 2000, y: 1000, width: 700, height: 900 }, big), big);
  });

  it('never goes below ID06\'s minimum when the image allows it', () => {
    const r = snapRect({ x: 0, y: 0, width: 300, height: 386 }, big);
    expect(r.width).toBe(322);
    expect(r.height).toBe(414);
  });

  it('gives an empty rectangle for an image smaller than 7×9', () => {
    expect(snapRect(suggested, { width: 6, height: 8 })).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});

describe('keyboard', () => {
  it('maps keys to moves and resizes, Shift for bigger steps', () => {
    expect(keyAction('ArrowLeft', false)).toEqual({ kind: 'move', dx: -1, dy: 0 });
    expect(keyAction('ArrowDown', true)).toEqual({ kind: 'move', dx: 0, dy: 10 });
    expect(keyAction('+', false)).toEqual({ kind: 'resize', factor: 1.05 });
    expect(keyAction('=', false)).toEqual({ kind: 'resize', factor: 1.05 });
    expect(keyAction('-', false)?.kind).toBe('resize');
    expect(keyAction('Tab', false)).toBeNull();
    expect(keyAction('Enter', false)).toBeNull();
  });

  it('moves by 1 % of the shorter side per arrow key', () => {
    expect(moveStep(big)).toBe(18);
    expect(moveStep({ width: 50, height: 40 })).toBe(1);
    expect(applyKey(suggested, 'ArrowRight', false, big)).toEqual({ ...suggested, x: 718 });
    expect(applyKey(suggested, 'ArrowUp', true, big)).toEqual({ ...suggested, y: 0 });
    expect(applyKey(suggested, 'x', false, big)).toBeNull();
  });

  it('+ and − grow and shrink around the centre and keep 35:45', () => {
    const bigger = applyKey(suggested, '+', false, big)!;
    expectRatio(bigger);
    expect(bigger.width).toBeCloseTo(735);
    const smaller = applyKey(suggested, '-', false, big)!;
    expect(smaller.width).toBeCloseTo(666.67, 1);
    expect(smaller.x + smaller.width / 2).toBeCloseTo(1050);
  });
});

describe('display', () => {
  it('gives CSS percentages and whole numbers to announce', () => {
    expect(toPercent(suggested, big)).toEqual({ left: 700 / 24, top: 100 / 18, width: 700 / 24, height: 50 });
    expect(describeRect(suggested, big)).toEqual({ left: 29, top: 6, width: 29 });
  });
});
