/**
 * Label and field selectors with the Kubernetes API server's syntax, as pure
 * functions: parse once, then match objects.
 *
 * Label selectors: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`
 * (exists), `!a` (does not exist), comma-separated (all must hold).
 * Field selectors: `path=value`, `path==value`, `path!=value` over the paths
 * the API server supports for the kind.
 *
 * @module
 */

/** One requirement of a label selector. */
export interface LabelRequirement {
  key: string;
  op: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

/** One requirement of a field selector. */
export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** A selector that could not be parsed; the message is the API server's wording. */
export class SelectorError extends Error {
  /** Builds a selector error. */
  constructor(message: string) {
    super(message);
    this.name = "SelectorError";
  }
}

const KEY_RE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function checkKey(key: string, whole: string): string {
  if (!KEY_RE.test(key) || key.length > 316) {
    throw new SelectorError(
      `unable to parse requirement: invalid label key "${key}" in selector "${whole}"`,
    );
  }
  return key;
}

function checkValue(v: string, whole: string): string {
  if (!VALUE_RE.test(v) || v.length > 63) {
    throw new SelectorError(
      `unable to parse requirement: invalid label value: "${v}" in selector "${whole}"`,
    );
  }
  return v;
}

/** Parses a label selector; throws {@link SelectorError} on bad syntax. Empty means everything. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const s = selector.trim();
  if (!s) return [];
  const reqs: LabelRequirement[] = [];
  for (const rawPart of splitTop(s)) {
    const part = rawPart.trim();
    if (!part) throw new SelectorError(`found '', expected: identifier in selector "${s}"`);
    let m = part.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/);
    if (m) {
      const values = m[3].split(",").map((v) => checkValue(v.trim(), s));
      reqs.push({ key: checkKey(m[1], s), op: m[2] as "in" | "notin", values });
      continue;
    }
    m = part.match(/^([^=!\s]+)\s*(==|!=|=)\s*(\S*)$/);
    if (m) {
      const op = m[2] === "!=" ? "!=" : "=";
      reqs.push({ key: checkKey(m[1], s), op, values: [checkValue(m[3], s)] });
      continue;
    }
    m = part.match(/^!\s*(\S+)$/);
    if (m) {
      reqs.push({ key: checkKey(m[1], s), op: "!", values: [] });
      continue;
    }
    if (/^\S+$/.test(part) && !/[=!()]/.test(part)) {
      reqs.push({ key: checkKey(part, s), op: "exists", values: [] });
      continue;
    }
    throw new SelectorError(`unable to parse requirement: "${part}" in selector "${s}"`);
  }
  return reqs;
}

/** True when `labels` satisfy every requirement. */
export function matchLabels(
  reqs: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        if (!has || v !== r.values[0]) return false;
        break;
      case "!=":
        if (has && v === r.values[0]) return false;
        break;
      case "in":
        if (!has || !r.values.includes(v)) return false;
        break;
      case "notin":
        if (has && r.values.includes(v)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Field paths every kind supports. */
const COMMON_FIELDS = ["metadata.name", "metadata.namespace"];

/** Extra field paths per kind, as the API server offers them. */
const KIND_FIELDS: Record<string, string[]> = {
  Pod: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  Node: ["spec.unschedulable"],
  Namespace: ["status.phase"],
  Secret: ["type"],
};

/** The field paths a kind can be selected on. */
export function supportedFields(kind: string): string[] {
  return [...COMMON_FIELDS, ...(KIND_FIELDS[kind] ?? [])];
}

/** Parses a field selector for `kind`; unknown fields are rejected like the API server does. */
export function parseFieldSelector(selector: string, kind: string): FieldRequirement[] {
  const s = selector.trim();
  if (!s) return [];
  const allowed = supportedFields(kind);
  const reqs: FieldRequirement[] = [];
  for (const rawPart of s.split(",")) {
    const part = rawPart.trim();
    const m = part.match(/^([^=!]+)(==|!=|=)(.*)$/);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    const field = m[1].trim();
    if (!allowed.includes(field)) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    reqs.push({ field, op: m[2] === "!=" ? "!=" : "=", value: m[3].trim() });
  }
  return reqs;
}

/** The string value of a field path of an object ("" when absent), as the API server compares it. */
export function fieldValue(obj: Record<string, unknown>, field: string): string {
  if (field === "source") {
    // deno-lint-ignore no-explicit-any
    const o = obj as any;
    return String(o.source?.component ?? o.reportingComponent ?? "");
  }
  let cur: unknown = obj;
  for (const p of field.split(".")) {
    if (cur === null || typeof cur !== "object") return "";
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return field === "spec.unschedulable" ? "false" : "";
  return String(cur);
}

/** True when the object satisfies every field requirement. */
export function matchFields(
  reqs: readonly FieldRequirement[],
  obj: Record<string, unknown>,
): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.op === "=" ? v !== r.value : v === r.value) return false;
  }
  return true;
}
