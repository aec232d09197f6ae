/**
 * Field-level differences between two JSON values, with readable paths:
 * list items that have a `name` are addressed by it
 * (`cliques[worker].spec.podSpec.containers[vllm].image`).
 *
 * @module
 */

/** One changed field. `before` or `after` is undefined when the field was added or removed. */
export interface FieldChange {
  /** Dotted path, named list items in brackets. */
  path: string;
  /** Old value (JSON). */
  before?: unknown;
  /** New value (JSON). */
  after?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function named(list: unknown[]): boolean {
  const names = list.map((x) => (isObject(x) && typeof x.name === "string" ? x.name : undefined));
  return names.every((n) => n !== undefined) && new Set(names).size === names.length;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Lists the leaf fields that differ between `a` and `b`.
 *
 * @example
 * ```ts
 * import { fieldChanges } from "./field_changes.ts";
 * fieldChanges({ containers: [{ name: "vllm", image: "a" }] },
 *              { containers: [{ name: "vllm", image: "b" }] });
 * // [{ path: "containers[vllm].image", before: "a", after: "b" }]
 * ```
 */
export function fieldChanges(a: unknown, b: unknown, path = ""): FieldChange[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => fieldChanges(a[k], b[k], join(path, k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (named(a) && named(b)) {
      const am = new Map(a.map((x) => [(x as { name: string }).name, x]));
      const bm = new Map(b.map((x) => [(x as { name: string }).name, x]));
      const keys = [...new Set([...am.keys(), ...bm.keys()])];
      return keys.flatMap((k) => fieldChanges(am.get(k), bm.get(k), `${path}[${k}]`));
    }
    if (a.length === b.length) {
      return a.flatMap((x, i) => fieldChanges(x, b[i], `${path}[${i}]`));
    }
  }
  const c: FieldChange = { path };
  if (a !== undefined) c.before = a;
  if (b !== undefined) c.after = b;
  return [c];
}

/** A value as one short line for previews (`"vllm:0.11"`, `{...}`, `(none)`). */
export function shortValue(v: unknown, max = 60): string {
  if (v === undefined) return "(none)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > max ? s.slice(0, max - 3) + "..." : s;
}
