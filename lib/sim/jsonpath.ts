/**
 * The small JSONPath subset CRD printer columns use: `.a.b`, `[n]`, `[*]`
 * and `[?(@.key=="value")]` filters. Pure.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
type Json = any;

type Step =
  | { k: "field"; name: string }
  | { k: "index"; i: number }
  | { k: "all" }
  | { k: "filter"; path: string[]; value: string };

const compiled = new Map<string, Step[]>();

function compile(expr: string): Step[] {
  let steps = compiled.get(expr);
  if (steps) return steps;
  steps = [];
  const re =
    /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]/y;
  let src = expr.trim();
  if (src.startsWith("{") && src.endsWith("}")) src = src.slice(1, -1);
  re.lastIndex = 0;
  while (re.lastIndex < src.length) {
    const start = re.lastIndex;
    const m = re.exec(src);
    if (!m || m.index !== start) throw new Error(`unsupported JSONPath "${expr}"`);
    if (m[1] !== undefined) steps.push({ k: "field", name: m[1] });
    else if (m[2] !== undefined) steps.push({ k: "index", i: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ k: "filter", path: m[3].split("."), value: m[4] });
    else steps.push({ k: "all" });
  }
  compiled.set(expr, steps);
  return steps;
}

/** All values `expr` selects in `obj` (empty when nothing matches). */
export function jsonPath(obj: Json, expr: string): Json[] {
  let cur: Json[] = [obj];
  for (const s of compile(expr)) {
    const next: Json[] = [];
    for (const v of cur) {
      if (v === null || v === undefined) continue;
      switch (s.k) {
        case "field":
          if (typeof v === "object" && !Array.isArray(v) && v[s.name] !== undefined) {
            next.push(v[s.name]);
          }
          break;
        case "index":
          if (Array.isArray(v) && s.i < v.length) next.push(v[s.i]);
          break;
        case "all":
          if (Array.isArray(v)) next.push(...v);
          else if (typeof v === "object") next.push(...Object.values(v));
          break;
        case "filter":
          if (Array.isArray(v)) {
            for (const x of v) {
              let y = x;
              for (const p of s.path) y = y?.[p];
              if (y !== undefined && String(y) === s.value) next.push(x);
            }
          }
          break;
      }
    }
    cur = next;
  }
  return cur;
}
