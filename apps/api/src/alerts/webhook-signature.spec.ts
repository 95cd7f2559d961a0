import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { retryDelayMs, signBody, verifySignature } from './webhook-signature';

describe('webhook signature', () => {
  it('matches the RFC 4231 test case 2 HMAC-SHA256 vector', () => {
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('verifies its own signature and rejects a changed body, key or header', () => {
    const body = JSON.stringify({ event: 'alert.opened', alert: { id: 'a1' } });
    const header = `sha256=${createHmac('sha256', 'k'.repeat(20)).update(body).digest('hex')}`;
    expect(verifySignature('k'.repeat(20), body, header)).toBe(true);
    expect(verifySignature('k'.repeat(20), body + ' ', header)).toBe(false);
    expect(verifySignature('x'.repeat(20), body, header)).toBe(false);
    expect(verifySignature('k'.repeat(20), body, header.slice(0, -1))).toBe(false);
    expect(verifySignature('k'.repeat(20), body, undefined)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, 1000, 10_000))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(retryDelayMs(40, 1000, 300_000)).toBe(300_000);
  });
});
