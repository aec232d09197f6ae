/**
 * Validation of Grove objects against the openAPIV3Schema of their CRD (from
 * `fixtures/_crds/`), the way the API server does it: required fields, types,
 * enums, minimum/maximum, patterns, lengths and item counts, plus defaulting,
 * pruning of unknown fields and the simple CEL rules Grove's CRDs use. Each
 * CRD is read and parsed once, on first use.
 *
 * @module
 */

import { yamlLoad } from "../deps.ts";
import type { ResourceDescriptor } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { evalCelRule } from "./cel.ts";
import type { StatusCause } from "./status.ts";

// deno-lint-ignore no-explicit-any
type Schema = any;
// deno-lint-ignore no-explicit-any
type Json = any;

/** What validation found: field causes (422), unknown fields (pruned, or 400 when strict). */
export interface ValidationResult {
  causes: StatusCause[];
  unknownFields: string[];
}

const CRDS = new URL("../../fixtures/_crds/", import.meta.url);
const cache = new Map<string, Promise<Schema | undefined>>();

async function readCrd(r: ResourceDescriptor): Promise<Schema | undefined> {
  for (const rel of [`${r.group}_${r.plural}.yaml`, `legacy/${r.group}_${r.plural}.yaml`]) {
    let text: string;
    try {
      const res = await fetch(new URL(rel, CRDS));
      if (!res.ok) {
        await res.body?.cancel();
        continue;
      }
      text = await res.text();
    } catch {
      continue;
    }
    const crd = yamlLoad(text) as Schema;
    const v = crd?.spec?.versions?.find((x: Schema) => x.name === r.version);
    return v?.schema?.openAPIV3Schema;
  }
  return undefined;
}

/** The openAPIV3Schema of a resource's CRD, or undefined for non-CRD resources (parsed once). */
export function schemaFor(r: ResourceDescriptor): Promise<Schema | undefined> {
  if (!r.group.endsWith("grove.io")) return Promise.resolve(undefined);
  const key = `${r.group}/${r.version}/${r.plural}`;
  let p = cache.get(key);
  if (!p) {
    p = readCrd(r);
    cache.set(key, p);
  }
  return p;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks `metadata.name` as a DNS-1123 subdomain; returns causes. */
export function validateName(name: string): StatusCause[] {
  if (name.length > 253) {
    return [{
      reason: "FieldValueInvalid",
      field: "metadata.name",
      message: `Invalid value: "${name}": must be no more than 253 characters`,
    }];
  }
  if (!DNS_SUBDOMAIN.test(name)) {
    return [{
      reason: "FieldValueInvalid",
      field: "metadata.name",
      message:
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    }];
  }
  return [];
}

function show(v: Json): string {
  return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
}

function typeName(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeOk(type: string, v: Json): boolean {
  switch (type) {
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

const patternCache = new Map<string, RegExp | null>();
function regex(p: string): RegExp | null {
  let re = patternCache.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(p, "u");
    } catch {
      re = null;
    }
    patternCache.set(p, re);
  }
  return re;
}

interface Ctx {
  causes: StatusCause[];
  unknown: string[];
  applyDefaults: boolean;
  old: Json;
  isUpdate: boolean;
}

function add(ctx: Ctx, reason: string, field: string, message: string): void {
  ctx.causes.push({ reason, field, message });
}

function walk(s: Schema, v: Json, path: string, ctx: Ctx): void {
  if (!s) return;
  if (v === null) {
    if (!s.nullable) {
      add(
        ctx,
        "FieldValueTypeInvalid",
        path,
        `Invalid value: "null": ${path} in body must be of type ${s.type ?? "object"}: "null"`,
      );
    }
    return;
  }
  if (s["x-kubernetes-int-or-string"]) {
    if (typeof v !== "string" && !(typeof v === "number" && Number.isInteger(v))) {
      add(
        ctx,
        "FieldValueTypeInvalid",
        path,
        `Invalid value: ${show(v)}: ${path} in body must be of type integer,string: "${
          typeName(v)
        }"`,
      );
    }
    return;
  }
  if (s.type && !typeOk(s.type, v)) {
    add(
      ctx,
      "FieldValueTypeInvalid",
      path,
      `Invalid value: "${typeName(v)}": ${path} in body must be of type ${s.type}: "${
        typeName(v)
      }"`,
    );
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e: Json) => JSON.stringify(e) === JSON.stringify(v))) {
    add(
      ctx,
      "FieldValueNotSupported",
      path,
      `Unsupported value: ${show(v)}: supported values: ${s.enum.map(show).join(", ")}`,
    );
  }
  if (typeof v === "number") {
    if (typeof s.minimum === "number" && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      add(
        ctx,
        "FieldValueInvalid",
        path,
        `Invalid value: ${v}: ${path} in body should be greater than ${
          s.exclusiveMinimum ? "" : "or equal to "
        }${s.minimum}`,
      );
    }
    if (typeof s.maximum === "number" && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      add(
        ctx,
        "FieldValueInvalid",
        path,
        `Invalid value: ${v}: ${path} in body should be less than ${
          s.exclusiveMaximum ? "" : "or equal to "
        }${s.maximum}`,
      );
    }
  }
  if (typeof v === "string") {
    if (typeof s.minLength === "number" && v.length < s.minLength) {
      add(
        ctx,
        "FieldValueInvalid",
        path,
        `Invalid value: ${show(v)}: ${path} in body should be at least ${s.minLength} chars long`,
      );
    }
    if (typeof s.maxLength === "number" && v.length > s.maxLength) {
      add(ctx, "FieldValueTooLong", path, `Too long: may not be more than ${s.maxLength} bytes`);
    }
    if (typeof s.pattern === "string") {
      const re = regex(s.pattern);
      if (re && !re.test(v)) {
        add(
          ctx,
          "FieldValueInvalid",
          path,
          `Invalid value: ${show(v)}: ${path} in body should match '${s.pattern}'`,
        );
      }
    }
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === "number" && v.length < s.minItems) {
      add(
        ctx,
        "FieldValueInvalid",
        path,
        `Invalid value: ${v.length}: ${path} in body should have at least ${s.minItems} items`,
      );
    }
    if (typeof s.maxItems === "number" && v.length > s.maxItems) {
      add(
        ctx,
        "FieldValueTooMany",
        path,
        `Too many: ${v.length}: must have at most ${s.maxItems} items`,
      );
    }
    if (s.items) v.forEach((x, i) => walk(s.items, x, `${path}[${i}]`, ctx));
  } else if (typeof v === "object") {
    walkObject(s, v, path, ctx);
  }
  if (Array.isArray(s.anyOf) && !s["x-kubernetes-int-or-string"]) {
    // structural schemas use anyOf only for value checks; accept when any branch passes
    const ok = s.anyOf.some((b: Schema) => {
      const sub: Ctx = { ...ctx, causes: [], unknown: [] };
      walk(b, v, path, sub);
      return sub.causes.length === 0;
    });
    if (!ok) {
      add(
        ctx,
        "FieldValueInvalid",
        path,
        `Invalid value: ${show(v)}: ${path} in body must match at least one schema in anyOf`,
      );
    }
  }
  if (Array.isArray(s["x-kubernetes-validations"])) {
    for (const rule of s["x-kubernetes-validations"]) {
      const res = evalCelRule(rule.rule, v, path === "" ? ctx.old : undefined, ctx.isUpdate);
      if (res === false) {
        const f = (path + (rule.fieldPath ?? "")).replace(/^\./, "");
        add(
          ctx,
          rule.reason ?? "FieldValueInvalid",
          f,
          rule.reason === "FieldValueForbidden"
            ? `Forbidden: ${rule.message}`
            : rule.reason === "FieldValueRequired"
            ? `Required value: ${rule.message}`
            : `Invalid value: "object": ${rule.message}`,
        );
      }
    }
  }
}

function walkObject(s: Schema, v: Record<string, Json>, path: string, ctx: Ctx): void {
  const props: Record<string, Schema> | undefined = s.properties;
  if (props && ctx.applyDefaults) {
    for (const [k, ps] of Object.entries(props)) {
      if (v[k] === undefined && ps && "default" in ps) v[k] = structuredClone(ps.default);
    }
  }
  for (const req of s.required ?? []) {
    if (v[req] === undefined || v[req] === null) {
      add(ctx, "FieldValueRequired", path ? `${path}.${req}` : req, "Required value");
    }
  }
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    const sub = path ? `${path}.${k}` : k;
    if (props && k in props) {
      if (x === null && !props[k]?.nullable) {
        delete v[k]; // the API server drops nulls of non-nullable fields
        continue;
      }
      if (path === "" && k === "metadata") continue;
      walk(props[k], x, sub, ctx);
    } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
      walk(s.additionalProperties, x, `${path}[${k}]`, ctx);
    } else if (s["x-kubernetes-preserve-unknown-fields"] || s.additionalProperties === true) {
      continue;
    } else if (props || s.type === "object") {
      if (path === "" && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
      ctx.unknown.push(sub);
      delete v[k]; // pruned, as the API server does
    }
  }
}

function nonNegative(causes: StatusCause[], v: Json, field: string): void {
  if (typeof v === "number" && v < 0) {
    causes.push({
      reason: "FieldValueInvalid",
      field,
      message: `Invalid value: ${v}: must be greater than or equal to 0`,
    });
  }
}

function checkClique(causes: StatusCause[], spec: Json, path: string, template: boolean): void {
  if (!spec || typeof spec !== "object") return;
  nonNegative(causes, spec.replicas, `${path}.replicas`);
  nonNegative(causes, spec.minAvailable, `${path}.minAvailable`);
  if (
    template && typeof spec.minAvailable === "number" && typeof spec.replicas === "number" &&
    spec.minAvailable > spec.replicas
  ) {
    causes.push({
      reason: "FieldValueInvalid",
      field: `${path}.minAvailable`,
      message:
        `Invalid value: ${spec.minAvailable}: must not be greater than replicas (${spec.replicas})`,
    });
  }
}

/**
 * The checks Grove's validating webhook adds to the CRD schemas (the
 * schemas alone allow negative replicas): non-negative replicas and
 * minAvailable, a template clique's minAvailable not above its replicas,
 * unique clique names.
 */
export function groveWebhookChecks(kind: string, obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = obj.spec;
  if (!spec || typeof spec !== "object") return causes;
  if (kind === "PodCliqueSet") {
    nonNegative(causes, spec.replicas, "spec.replicas");
    const cliques = Array.isArray(spec.template?.cliques) ? spec.template.cliques : [];
    const seen = new Set<string>();
    cliques.forEach((c: Json, i: number) => {
      if (c?.name && seen.has(c.name)) {
        causes.push({
          reason: "FieldValueDuplicate",
          field: `spec.template.cliques[${i}].name`,
          message: `Duplicate value: "${c.name}"`,
        });
      }
      if (c?.name) seen.add(c.name);
      checkClique(causes, c?.spec, `spec.template.cliques[${i}].spec`, true);
    });
  } else if (kind === "PodClique" || kind === "PodCliqueScalingGroup") {
    checkClique(causes, spec, "spec", false);
  }
  return causes;
}

/**
 * Validates (and defaults and prunes, in place) a Grove object against its
 * CRD schema. `old` is the current object on an update (for transition
 * rules). Non-Grove resources only get their name checked.
 */
export async function validateObject(
  r: ResourceDescriptor,
  obj: KubeObject,
  opts: { old?: KubeObject; applyDefaults?: boolean } = {},
): Promise<ValidationResult> {
  const causes = validateName(obj.metadata?.name ?? "");
  const result: ValidationResult = { causes, unknownFields: [] };
  const schema = await schemaFor(r);
  if (!schema) return result;
  const ctx: Ctx = {
    causes,
    unknown: result.unknownFields,
    applyDefaults: opts.applyDefaults ?? true,
    old: opts.old,
    isUpdate: opts.old !== undefined,
  };
  walk(schema, obj, "", ctx);
  if (!causes.length) causes.push(...groveWebhookChecks(r.kind, obj));
  return result;
}
