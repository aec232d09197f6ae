/**
 * Reading a list body as it arrives: a byte scanner that finds the
 * top-level `items` array of a Kubernetes list and hands over each item's
 * JSON text as soon as its closing brace arrives, so that a 90 MB pod list is
 * never held as one string nor as one parsed tree. Each item is parsed with
 * the native `JSON.parse` and, with a {@link FieldMask}, cut down to the
 * fields a report needs before the next one is read (issue 24; the numbers
 * behind the choice are in `bench/parse_bench.ts`).
 *
 * @module
 */

/**
 * Which fields of an object to keep. `true` keeps a field whole, a nested
 * mask keeps part of it (applied to every element of an array), `false`
 * drops it; `"*"` stands for every field not named.
 *
 * @example
 * ```ts
 * import type { FieldMask } from "./list_stream.ts";
 * const mask: FieldMask = { metadata: { "*": true, managedFields: false }, status: { phase: true } };
 * ```
 */
export interface FieldMask {
  /** A field: keep whole (`true`), drop (`false`), or keep part (a mask). */
  [field: string]: boolean | FieldMask;
}

/** Short strings repeat across objects (label values, images, condition types, times). */
const INTERN_MAX_LENGTH = 64;
/** Bound of the intern table; cleared when full (it is only a cache). */
const INTERN_MAX_ENTRIES = 200_000;
const interned = new Map<string, string>();

/**
 * One copy of a short string: equal strings of many objects then share
 * their memory (JSON.parse makes a new string for every value).
 */
function intern(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const have = interned.get(s);
  if (have !== undefined) return have;
  if (interned.size >= INTERN_MAX_ENTRIES) interned.clear();
  interned.set(s, s);
  return s;
}

/** Interns every short string of a parsed JSON value, in place. */
function internDeep(value: unknown): unknown {
  if (typeof value === "string") return intern(value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = internDeep(value[i]);
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === "string") o[k] = intern(v);
    else if (v !== null && typeof v === "object") internDeep(v);
  }
  return o;
}

/**
 * Applies a {@link FieldMask} to a parsed JSON value, returning a new value
 * with only the masked fields (arrays masked element by element). The kept
 * short strings are interned, so that 25,000 pods share one copy of each
 * label value, image and condition type. The value should be fresh from
 * `JSON.parse`: kept parts are reused, not copied.
 *
 * @example
 * ```ts
 * import { applyMask } from "./list_stream.ts";
 * applyMask({ a: 1, b: { c: 2, d: 3 }, e: [{ f: 1, g: 2 }] }, { b: { c: true }, e: { g: true } });
 * // { b: { c: 2 }, e: [{ g: 2 }] }
 * ```
 */
export function applyMask(value: unknown, mask: FieldMask): unknown {
  if (Array.isArray(value)) return value.map((v) => applyMask(v, mask));
  if (value === null || typeof value !== "object") return internDeep(value);
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const rest = mask["*"];
  if (rest === undefined || rest === false) {
    for (const k in mask) {
      const m = mask[k];
      if (m === false || !(k in src)) continue;
      out[k] = m === true ? internDeep(src[k]) : applyMask(src[k], m);
    }
    return out;
  }
  for (const k in src) {
    const m = k in mask ? mask[k] : rest;
    if (m === false) continue;
    out[k] = m === true ? internDeep(src[k]) : applyMask(src[k], m);
  }
  return out;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

/**
 * Splits a list body into its items while it streams in. Feed chunks with
 * {@link ListItemSplitter.push}; each complete item of the top-level
 * `items` array goes to `onItem` as JSON text. {@link ListItemSplitter.end}
 * returns the list without its items (`kind`, `metadata` with
 * `resourceVersion` and `continue`).
 *
 * @example
 * ```ts
 * import { ListItemSplitter } from "./list_stream.ts";
 * const names: string[] = [];
 * const s = new ListItemSplitter((json) => names.push(JSON.parse(json).metadata.name));
 * const body = new TextEncoder().encode('{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}');
 * s.push(body.subarray(0, 50));
 * s.push(body.subarray(50));
 * s.end(); // { kind: "PodList", metadata: { resourceVersion: "7" }, items: [] }
 * // names: ["a", "b"]
 * ```
 */
export class ListItemSplitter {
  #onItem: (json: string) => void;
  #decoder = new TextDecoder();
  #depth = 0;
  #inString = false;
  #escape = false;
  /** 0: before the items array, 1: inside it, 2: after it. */
  #items = 0;
  /** Start of the current string at depth 1 (key candidate), as collected bytes. */
  #keyParts: Uint8Array[] | undefined;
  #lastKey = "";
  /** Bytes of the item being read, from earlier chunks. */
  #itemParts: Uint8Array[] = [];
  #inItem = false;
  /** Bytes outside the items array (the list's head and tail). */
  #rest: Uint8Array[] = [];
  #count = 0;

  /** Receives each item's JSON text. */
  constructor(onItem: (json: string) => void) {
    this.#onItem = onItem;
  }

  /** Items handed over so far. */
  get count(): number {
    return this.#count;
  }

  /** Scans one chunk of the body. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    // hot loop: state in locals, written back at the end
    let depth = this.#depth;
    let inString = this.#inString;
    let escape = this.#escape;
    let items = this.#items;
    // where the bytes outside the items array start in this chunk (-1: inside it)
    let restFrom = items === 1 ? -1 : 0;
    let itemFrom = this.#inItem ? 0 : -1;
    let keyFrom = this.#keyParts ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) {
          inString = false;
          if (keyFrom >= 0) {
            this.#keyParts!.push(chunk.subarray(keyFrom, i));
            this.#lastKey = this.#decoder.decode(concat(this.#keyParts!));
            this.#keyParts = undefined;
            keyFrom = -1;
          }
        }
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        if (depth === 1 && items !== 1) {
          this.#keyParts = [];
          keyFrom = i + 1;
        }
      } else if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (depth === 2 && items === 1) {
          this.#inItem = true;
          itemFrom = i;
        } else if (depth === 1 && c === OPEN_ARR && items === 0 && this.#lastKey === "items") {
          items = 1;
          this.#rest.push(chunk.subarray(restFrom, i + 1));
          restFrom = -1;
        }
        depth++;
      } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        depth--;
        if (items === 1 && depth <= 2) {
          if (depth === 2) {
            this.#emit(chunk.subarray(itemFrom, i + 1));
            itemFrom = -1;
          } else if (depth === 1) {
            items = 2;
            restFrom = i;
          }
        }
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escape = escape;
    this.#items = items;
    if (keyFrom >= 0) this.#keyParts!.push(chunk.slice(keyFrom));
    if (itemFrom >= 0) this.#itemParts.push(chunk.subarray(itemFrom));
    if (restFrom >= 0) this.#rest.push(chunk.subarray(restFrom));
  }

  #emit(last: Uint8Array): void {
    let bytes = last;
    if (this.#itemParts.length) {
      this.#itemParts.push(last);
      bytes = concat(this.#itemParts);
      this.#itemParts = [];
    }
    this.#inItem = false;
    this.#count++;
    this.#onItem(this.#decoder.decode(bytes));
  }

  /**
   * Ends the body: returns the list without its items. Throws a
   * `SyntaxError` when the body was not one complete JSON object.
   */
  end(): Record<string, unknown> {
    if (this.#depth !== 0 || this.#inString || this.#inItem) {
      throw new SyntaxError("the list body ended in the middle of a JSON value");
    }
    const head = JSON.parse(this.#decoder.decode(concat(this.#rest)));
    if (head === null || typeof head !== "object" || Array.isArray(head)) {
      throw new SyntaxError("the list body is not a JSON object");
    }
    return head as Record<string, unknown>;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Reads a list body from a stream, handing each item (parsed, and masked
 * when a mask is given) to `onItem`; `onChunk` is called as each chunk
 * arrives (the client's stall timer). Returns the list without its items.
 *
 * @example
 * ```ts
 * import { readListStream } from "./list_stream.ts";
 * const body = new Response('{"metadata":{"resourceVersion":"3"},"items":[{"a":1,"b":2}]}').body!;
 * const items: unknown[] = [];
 * const head = await readListStream(body, (o) => items.push(o), { a: true });
 * // items: [{ a: 1 }]; head.metadata: { resourceVersion: "3" }
 * ```
 */
export async function readListStream(
  body: ReadableStream<Uint8Array>,
  onItem: (item: unknown) => void,
  mask?: FieldMask,
  onChunk?: () => void,
): Promise<Record<string, unknown>> {
  const splitter = new ListItemSplitter((json) => {
    const o = JSON.parse(json);
    onItem(mask ? applyMask(o, mask) : o);
  });
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.();
      splitter.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return splitter.end();
}
