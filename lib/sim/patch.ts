/**
 * The three patch formats of the Kubernetes API as pure functions over JSON
 * values: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a strategic
 * merge patch that knows the merge keys of the core types we serve.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
type Json = any;

/** A patch that cannot be applied; the message says why (the server answers 422 or 400). */
export class PatchError extends Error {
  /** Builds a patch error. */
  constructor(message: string) {
    super(message);
    this.name = "PatchError";
  }
}

function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Applies a JSON merge patch (RFC 7386); returns a new value. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path.slice(1).split("/").map(unescapePointer);
}

function arrayIndex(arr: Json[], tok: string, path: string, forAdd: boolean): number {
  if (tok === "-" && forAdd) return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(tok)) {
    throw new PatchError(`invalid array index "${tok}" in path "${path}"`);
  }
  const i = Number(tok);
  if (i > arr.length || (!forAdd && i >= arr.length)) {
    throw new PatchError(`array index ${i} out of bounds in path "${path}"`);
  }
  return i;
}

function getAt(doc: Json, path: string): Json {
  let cur = doc;
  for (const tok of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, tok, path, false)];
    else if (isObject(cur) && tok in cur) cur = cur[tok];
    else throw new PatchError(`path "${path}" does not exist`);
  }
  return cur;
}

/** Returns [parent, lastToken] of a path, the parent resolved in `doc`. */
function parentOf(doc: Json, path: string): [Json, string] {
  const toks = parsePointer(path);
  if (toks.length === 0) throw new PatchError(`path "${path}" has no parent`);
  const last = toks.pop()!;
  let cur = doc;
  for (const tok of toks) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, tok, path, false)];
    else if (isObject(cur) && tok in cur) cur = cur[tok];
    else throw new PatchError(`path "${path}" does not exist: missing "${tok}"`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) {
    throw new PatchError(`path "${path}" does not point into an object or array`);
  }
  return [cur, last];
}

function addAt(doc: Json, path: string, value: Json): Json {
  if (path === "") return clone(value);
  const [parent, last] = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, clone(value));
  else parent[last] = clone(value);
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const [parent, last] = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
  else {
    if (!(last in parent)) throw new PatchError(`unable to remove nonexistent key: ${last}`);
    delete parent[last];
  }
  return doc;
}

/** One JSON patch operation. */
export interface JsonPatchOp {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: Json;
  from?: string;
}

/** Applies a JSON patch (RFC 6902); returns a new value, the input is not changed. */
export function applyJsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError("a JSON patch must be an array of operations");
  let doc = clone(target);
  for (const [i, raw] of ops.entries()) {
    if (!isObject(raw) || typeof raw.op !== "string" || typeof raw.path !== "string") {
      throw new PatchError(`operation ${i} needs "op" and "path"`);
    }
    const op = raw as JsonPatchOp;
    switch (op.op) {
      case "add":
        if (!("value" in op)) throw new PatchError(`operation ${i} (add) needs a "value"`);
        doc = addAt(doc, op.path, op.value);
        break;
      case "remove":
        doc = removeAt(doc, op.path);
        break;
      case "replace":
        if (!("value" in op)) throw new PatchError(`operation ${i} (replace) needs a "value"`);
        getAt(doc, op.path);
        if (op.path === "") doc = clone(op.value);
        else {
          const [parent, last] = parentOf(doc, op.path);
          if (Array.isArray(parent)) {
            parent[arrayIndex(parent, last, op.path, false)] = clone(op.value);
          } else parent[last] = clone(op.value);
        }
        break;
      case "move": {
        if (typeof op.from !== "string") throw new PatchError(`operation ${i} (move) needs "from"`);
        const v = clone(getAt(doc, op.from));
        doc = removeAt(doc, op.from);
        doc = addAt(doc, op.path, v);
        break;
      }
      case "copy":
        if (typeof op.from !== "string") throw new PatchError(`operation ${i} (copy) needs "from"`);
        doc = addAt(doc, op.path, getAt(doc, op.from));
        break;
      case "test":
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw new PatchError(`testing value ${op.path} failed`);
        }
        break;
      default:
        throw new PatchError(`Unexpected kind: ${(raw as { op: string }).op}`);
    }
  }
  return doc;
}

/** Merge keys of the list fields of core types (by field name), as the strategic merge patch uses them. */
export const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  ports: "containerPort",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  conditions: "type",
  ownerReferences: "uid",
  tolerations: "key",
  hostAliases: "ip",
  containerStatuses: "name",
  initContainerStatuses: "name",
  addresses: "type",
  taints: "key",
  resourceClaims: "name",
  readinessGates: "conditionType",
};

/** Primitive list fields merged as sets. */
const SET_LISTS = new Set(["finalizers"]);

function mergeList(field: string, target: Json[], patch: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  if (SET_LISTS.has(field)) {
    const out = [...target];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  if (!key || !patch.every(isObject)) return clone(patch);
  if (patch.some((p) => p.$patch === "replace")) {
    return patch.filter((p) => p.$patch !== "replace").map((p) => stripDirectives(p));
  }
  const out: Json[] = target.map((t) => t);
  for (const p of patch) {
    const idx = out.findIndex((t) => isObject(t) && t[key] === p[key]);
    if (p.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = applyStrategicMergePatch(out[idx], p);
    else out.push(stripDirectives(p));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith("$")) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

/**
 * Applies a strategic merge patch: like a merge patch, but lists with a known
 * merge key (`containers` by `name`, `conditions` by `type`, ...) merge by that
 * key, and the `$patch: replace|delete`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<f>` and `$setElementOrder/<f>` directives are honoured.
 */
export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === "replace") return stripDirectives(patch);
  if (patch.$patch === "delete") return undefined;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  if (Array.isArray(patch.$retainKeys)) {
    for (const k of Object.keys(out)) {
      if (!patch.$retainKeys.includes(k)) delete out[k];
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const f = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[f]) && Array.isArray(v)) {
        out[f] = out[f].filter((x: Json) => !v.includes(x));
      }
      continue;
    }
    if (k.startsWith("$")) continue;
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v) && Array.isArray(out[k])) {
      out[k] = mergeList(k, out[k], v);
    } else if (isObject(v)) {
      const merged = applyStrategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = stripDirectives(v);
    }
  }
  return out;
}
