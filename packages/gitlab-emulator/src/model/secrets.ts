import { createHash, randomBytes } from 'node:crypto';

const ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A random token with GitLab's prefix, e.g. `glrt-` for runners. */
export function randomToken(prefix: string, length = 20): string {
  const bytes = randomBytes(length);
  let body = '';
  for (const byte of bytes) {
    body += ALPHABET[byte % ALPHABET.length];
  }
  return `${prefix}${body}`;
}

/** A stable, realistic-looking commit SHA for a synthetic pipeline. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}
