import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { batchErrorText, deliveryLine, errorLinks, fileState, formatBytes } from './nexus';

describe('batch errors', () => {
  it('show the server\'s message where it names the cardholder and the reason', () => {
    const err = new ApiError(409, 'nexus_photo', 'The photo of Anna Berg does not meet Nexus\'s rules: the picture is 200×300 pixels.', undefined, {
      details: { orderId: 'o1' },
    });
    expect(batchErrorText('en', err)).toMatch(/Anna Berg/);
    expect(errorLinks(err)).toEqual({ order: '/orders/o1', batch: null });
  });

  it('fall back to the code\'s own text in both languages', () => {
    expect(batchErrorText('sv', new ApiError(409, 'nothing_ready', 'There are no orders ready'))).toBe('Det finns inga beställningar som är klara att skicka till Nexus.');
    expect(batchErrorText('en', new ApiError(409, 'nothing_ready', 'x'))).toBe('There are no orders ready to be sent to Nexus.');
    // No answer at all: not the server's words.
    expect(batchErrorText('sv', new ApiError(0, 'nexus_photo', ''))).toMatch(/foto/i);
    expect(batchErrorText('en', new ApiError(0, 'network', 'Network error: x'))).not.toBe('Network error: x');
  });

  it('link the batch a delivery failure names', () => {
    const err = new ApiError(502, 'nexus_delivery_failed', 'Batch NX-1 was created …', undefined, { details: { batchId: 'NX-1' } });
    expect(errorLinks(err)).toEqual({ order: null, batch: '/nexus/batches/NX-1' });
  });
});

describe('batches', () => {
  it('say whether the saved file is there', () => {
    expect(fileState({ zipPath: '/x.zip' })).toBe('present');
    expect(fileState({ zipPath: '/x.zip', filesDeletedAt: '2026-12-01T00:00:00Z' })).toBe('deleted');
    expect(fileState({})).toBe('none');
  });

  it('say where each batch of a send went', () => {
    expect(deliveryLine({ id: 'NX-1', channel: 'folder', zipPath: '/d/a.zip', mailCount: 0 })).toEqual({
      key: 'nexus.sent.savedTo',
      params: { batch: 'NX-1', path: '/d/a.zip' },
    });
    expect(deliveryLine({ id: 'NX-2', channel: 'mail', mailedTo: 'nexus@bygg.se', mailCount: 2 })).toEqual({
      key: 'nexus.sent.mailedTo',
      params: { batch: 'NX-2', to: 'nexus@bygg.se', mails: 2 },
    });
  });

  it('write sizes as people read them', () => {
    expect(formatBytes('en', 512)).toBe('512 B');
    expect(formatBytes('en', 84_000)).toBe('84 kB');
    expect(formatBytes('sv', 12_345_678)).toBe('12,3 MB');
  });
});
