import { createHash, randomBytes } from 'node:crypto';

/**
 * Tokens are stored only as SHA-256 digests; lookup is by digest, so the comparison of secrets
 * happens on fixed-length hashes through an index and never char by char on the raw token.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(role: string): string {
  return `ot_${role}_${randomBytes(24).toString('base64url')}`;
}
