/**
 * Stable hashing of JSON values: the same template always gives the same
 * short name-safe hash, whatever the key order of the object it came from.
 * Used to name ControllerRevisions (`<pcs>-<hash>`) and, in the simulated
 * cluster, as the pod-template-hash.
 *
 * @module
 */

/** JSON with object keys sorted at every level (arrays keep their order). */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v)).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(",")}}`;
}

// Characters Kubernetes uses for generated suffixes: no vowels, no confusable digits.
const SAFE = "bcdfghjklmnpqrstvwxz2456789";

function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A 10-character hash of a JSON value (key order does not matter), made of
 * the characters Kubernetes uses for generated names.
 *
 * @example
 * ```ts
 * import { stableHash } from "./hash.ts";
 * stableHash({ a: 1, b: 2 }) === stableHash({ b: 2, a: 1 }); // true
 * ```
 */
export function stableHash(value: unknown): string {
  const text = stableStringify(value);
  let a = fnv1a(text, 0x811c9dc5);
  let b = fnv1a(text, 0x050c5d1f);
  let out = "";
  for (let i = 0; i < 5; i++) {
    out += SAFE[a % SAFE.length];
    a = Math.floor(a / SAFE.length);
    out += SAFE[b % SAFE.length];
    b = Math.floor(b / SAFE.length);
  }
  return out;
}
