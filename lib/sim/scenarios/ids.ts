/**
 * Deterministic identities for the scenario builders: UIDs, pod name
 * suffixes and short hashes are hashes of an object's identity, so a
 * scenario builds the same files every time.
 *
 * @module
 */

/** FNV-1a hash of a string with a seed. */
export function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Eight hex digits of a 32-bit number. */
export function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/** A deterministic UUID-shaped string from a key. */
export function uidFor(key: string): string {
  // Four FNV-1a lanes in one pass over the key.
  let h1 = (0x811c9dc5 ^ 1) >>> 0;
  let h2 = (0x811c9dc5 ^ 2) >>> 0;
  let h3 = (0x811c9dc5 ^ 3) >>> 0;
  let h4 = (0x811c9dc5 ^ 4) >>> 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193);
    h3 = Math.imul(h3 ^ c, 0x01000193);
    h4 = Math.imul(h4 ^ c, 0x01000193);
  }
  const a = hex8(h1 >>> 0);
  const b = hex8(h2 >>> 0);
  const c = hex8(h3 >>> 0);
  const d = hex8(h4 >>> 0);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${"89ab"[parseInt(c[0], 16) % 4]}${
    c.slice(1, 4)
  }-${c.slice(4)}${d}`;
}

const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A deterministic 5-character generateName suffix, as Kubernetes draws them. */
export function suffixFor(key: string, len = 5): string {
  let h = fnv1a(key, 7);
  let out = "";
  for (let i = 0; i < len; i++) {
    out += SUFFIX_ALPHABET[h % SUFFIX_ALPHABET.length];
    h = Math.floor(h / SUFFIX_ALPHABET.length) ^ fnv1a(key, 11 + i);
    h >>>= 0;
  }
  return out;
}

/** A deterministic 10-hex-digit hash (pod template hashes, generation hashes). */
export function shortHash(key: string): string {
  return hex8(fnv1a(key, 21)).slice(0, 5) + hex8(fnv1a(key, 22)).slice(0, 5);
}
