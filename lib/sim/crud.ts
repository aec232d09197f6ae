/**
 * List, get, create, replace, patch and delete handlers of the simulated
 * API server, with the status and scale subresources, dry-run, validation
 * and the API server's error answers.
 *
 * @module
 */

import { yamlLoad } from "../deps.ts";
import { apiVersionOf, type ResourceDescriptor } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { type ApiTarget, jsonOf, jsonResponse, type SimContext } from "./context.ts";
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  clone,
  PatchError,
} from "./patch.ts";
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "./selectors.ts";
import {
  badRequest,
  conflict,
  expired,
  invalid,
  methodNotAllowed,
  notFound,
  status,
  StatusError,
  unsupportedMediaType,
} from "./status.ts";
import { decodeProtobufObject } from "./protobuf.ts";
import { type IncludeObject, toTable } from "./table.ts";
import { validateObject } from "./validate.ts";

/** What a handler gets besides the target. */
export interface HandlerRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The body as text. */
  body: string;
  /** The body as bytes (protobuf). */
  raw?: Uint8Array;
}

function isGrove(r: ResourceDescriptor): boolean {
  return r.group.endsWith("grove.io");
}

function hasStatus(r: ResourceDescriptor): boolean {
  return (r.subresources as readonly string[]).includes("status");
}

/** True when the client asked for a Table (`kubectl get`). */
export function wantsTable(headers: Headers): boolean {
  return /as=Table/.test(headers.get("accept") ?? "");
}

function includeObjectOf(url: URL): IncludeObject {
  const v = url.searchParams.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

/** Parsed list filters of a request. */
export interface Filters {
  labels: ReturnType<typeof parseLabelSelector>;
  fields: ReturnType<typeof parseFieldSelector>;
}

/** Parses labelSelector and fieldSelector (400 BadRequest on bad syntax). */
export function parseFilters(r: ResourceDescriptor, url: URL): Filters {
  try {
    return {
      labels: parseLabelSelector(url.searchParams.get("labelSelector") ?? ""),
      fields: parseFieldSelector(url.searchParams.get("fieldSelector") ?? "", r.kind),
    };
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

/** True when an object passes the filters. */
export function matches(f: Filters, o: KubeObject): boolean {
  return (f.labels.length === 0 || matchLabels(f.labels, o.metadata.labels)) &&
    (f.fields.length === 0 || matchFields(f.fields, o));
}

function encodeContinue(key: string, rv: number): string {
  return btoa(JSON.stringify({ v: "sim/1", k: key, rv }));
}

function decodeContinue(token: string): { k: string; rv: number } {
  try {
    const d = JSON.parse(atob(token));
    if (typeof d.k === "string" && typeof d.rv === "number") return d;
  } catch { /* fall through */ }
  throw badRequest(`invalid continue token: "${token}"`);
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function checkListResourceVersion(ctx: SimContext, url: URL): void {
  const rvParam = url.searchParams.get("resourceVersion");
  if (!rvParam || rvParam === "0") return;
  const rv = Number(rvParam);
  if (!Number.isFinite(rv)) {
    throw badRequest(`invalid resource version: "${rvParam}"`);
  }
  if (rv > ctx.store.resourceVersion) {
    throw new StatusError(
      status(
        504,
        "Timeout",
        `Too large resource version: ${rv}, current: ${ctx.store.resourceVersion}`,
        {
          causes: [{
            reason: "ResourceVersionTooLarge",
            message: "Too large resource version",
            field: "",
          }],
          retryAfterSeconds: 1,
        },
      ),
      { "Retry-After": "1" },
    );
  }
  if (
    url.searchParams.get("resourceVersionMatch") === "Exact" && rv !== ctx.store.resourceVersion
  ) {
    throw expired(rv, ctx.store.oldestResourceVersion);
  }
}

/** GET on a collection. */
export function handleList(ctx: SimContext, t: ApiTarget, req: HandlerRequest): Response {
  const { r } = t;
  const url = req.url;
  const f = parseFilters(r, url);
  checkListResourceVersion(ctx, url);
  let items = ctx.store.list(r, t.namespace);
  if (f.labels.length || f.fields.length) items = items.filter((o) => matches(f, o));
  const rv = ctx.store.resourceVersion;
  const limit = Number(url.searchParams.get("limit") ?? 0);
  const cont = url.searchParams.get("continue");
  if (cont) {
    const c = decodeContinue(cont);
    if (c.rv < ctx.store.oldestResourceVersion) {
      throw new StatusError(
        status(
          410,
          "Expired",
          "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
        ),
      );
    }
    items = items.filter((o) => keyOf(o) > c.k);
  }
  let next: string | undefined;
  let remaining: number | undefined;
  if (limit > 0 && items.length > limit) {
    remaining = items.length - limit;
    items = items.slice(0, limit);
    next = encodeContinue(keyOf(items[items.length - 1]), rv);
  }
  if (wantsTable(req.headers)) {
    const table = toTable(r, items, {
      now: ctx.now(),
      includeObject: includeObjectOf(url),
      resourceVersion: String(rv),
      continue: next,
    });
    if (remaining !== undefined) table.metadata.remainingItemCount = remaining;
    return jsonResponse(table);
  }
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  if (next) {
    meta.continue = next;
    meta.remainingItemCount = remaining;
  }
  // built by hand so that each object's cached JSON is reused
  const head = JSON.stringify({
    kind: `${r.kind}List`,
    apiVersion: apiVersionOf(r),
    metadata: meta,
  });
  const body = `${head.slice(0, -1)},"items":[${items.map(jsonOf).join(",")}]}`;
  return jsonResponse(body);
}

function mustGet(ctx: SimContext, t: ApiTarget): KubeObject {
  const o = ctx.store.get(t.r, t.namespace, t.name!);
  if (!o) throw notFound(t.r, t.name!);
  return o;
}

/** GET on an object (or its status subresource). */
export function handleGet(ctx: SimContext, t: ApiTarget, req: HandlerRequest): Response {
  const o = mustGet(ctx, t);
  if (wantsTable(req.headers)) {
    return jsonResponse(
      toTable(t.r, [o], {
        now: ctx.now(),
        includeObject: includeObjectOf(req.url),
        resourceVersion: o.metadata.resourceVersion,
      }),
    );
  }
  return jsonResponse(jsonOf(o));
}

function parseBody(req: HandlerRequest, yamlOk = false): unknown {
  if ((req.headers.get("content-type") ?? "").includes("protobuf")) {
    try {
      return decodeProtobufObject(req.raw ?? new TextEncoder().encode(req.body));
    } catch (e) {
      throw new StatusError(
        status(415, "UnsupportedMediaType", `${(e as Error).message}; send JSON instead`),
      );
    }
  }
  if (!req.body.trim()) throw badRequest("the request body is empty");
  try {
    return JSON.parse(req.body);
  } catch (e) {
    if (yamlOk) {
      try {
        return yamlLoad(req.body);
      } catch { /* report the JSON error */ }
    }
    throw badRequest(`json: cannot decode the request body: ${(e as Error).message}`);
  }
}

function asObject(v: unknown, r: ResourceDescriptor): KubeObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw badRequest(`the request body must be a ${r.kind} object`);
  }
  const o = v as KubeObject;
  if (o.kind !== undefined && o.kind !== r.kind) {
    throw badRequest(
      `the API version in the data (${o.apiVersion}) does not match the expected API version (${
        apiVersionOf(r)
      }) or kind ${o.kind} is not ${r.kind}`,
    );
  }
  if (o.apiVersion !== undefined && o.apiVersion !== apiVersionOf(r)) {
    throw badRequest(
      `the API version in the data (${o.apiVersion}) does not match the expected API version (${
        apiVersionOf(r)
      })`,
    );
  }
  o.metadata ??= { name: "" };
  if (typeof o.metadata !== "object") throw badRequest("metadata must be an object");
  return o;
}

function isDryRun(url: URL): boolean {
  const v = url.searchParams.getAll("dryRun");
  if (v.some((x) => x !== "All")) {
    throw badRequest(`Invalid dry run value: ${v.join(",")}: valid values are: All`);
  }
  return v.includes("All");
}

/** Validation, pruning and defaulting; throws 422 or (strict) 400; returns Warning headers. */
async function validate(
  t: ApiTarget,
  obj: KubeObject,
  old: KubeObject | undefined,
  url: URL,
  body?: unknown,
): Promise<Record<string, string>> {
  const res = await validateObject(t.r, obj, { old });
  if (res.causes.length) throw invalid(t.r, obj.metadata.name || "", res.causes);
  // like kube-apiserver, strict decoding judges the request body: a field the stored object
  // carries (e.g. a status the client did not send) is not the client's unknown field
  const unknown = body === undefined
    ? res.unknownFields
    : res.unknownFields.filter((f) => hasPath(body, f));
  if (unknown.length) {
    const mode = url.searchParams.get("fieldValidation") ?? "Warn";
    if (mode === "Strict") {
      const list = unknown.map((f) => `unknown field "${f}"`);
      throw badRequest(`strict decoding error: ${list.join(", ")}`);
    }
    if (mode === "Warn") {
      return {
        warning: unknown.map((f) => `299 - "unknown field \\"${f}\\""`).join(", "),
      };
    }
  }
  return {};
}

/** True when the dotted path (list indices as `[i]` or `.i`) exists in `v`. */
function hasPath(v: unknown, path: string): boolean {
  let cur: unknown = v;
  for (const part of path.replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean)) {
    if (cur === null || typeof cur !== "object") return false;
    if (!(part in (cur as Record<string, unknown>))) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}

/** Pod spec fields an update may change. */
function podSpecUpdatable(spec: KubeObject["spec"]): unknown {
  const s = clone(spec ?? {});
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) delete c.image;
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  delete s.schedulingGates;
  return s;
}

function checkImmutable(t: ApiTarget, old: KubeObject, next: KubeObject): void {
  if (next.metadata.name !== old.metadata.name) {
    throw invalid(t.r, old.metadata.name, [{
      reason: "FieldValueInvalid",
      field: "metadata.name",
      message: `Invalid value: "${next.metadata.name}": field is immutable`,
    }]);
  }
  if (
    t.r.kind === "Pod" &&
    JSON.stringify(podSpecUpdatable(old.spec)) !== JSON.stringify(podSpecUpdatable(next.spec))
  ) {
    throw invalid(t.r, old.metadata.name, [{
      reason: "FieldValueForbidden",
      field: "spec",
      message:
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    }]);
  }
}

/** Merges a write on the main resource or the status subresource with the current object. */
function mergeForSubresource(t: ApiTarget, old: KubeObject, next: KubeObject): KubeObject {
  if (t.sub === "status") {
    const out = clone(old);
    out.metadata.resourceVersion = next.metadata.resourceVersion;
    if (next.status === undefined) delete out.status;
    else out.status = next.status;
    return out;
  }
  if (hasStatus(t.r) && t.r.kind !== "Namespace") {
    if (old.status === undefined) delete next.status;
    else next.status = clone(old.status);
  }
  return next;
}

/** POST on a collection. */
export async function handleCreate(
  ctx: SimContext,
  t: ApiTarget,
  req: HandlerRequest,
): Promise<Response> {
  if (t.name) throw methodNotAllowed();
  const obj = asObject(parseBody(req), t.r);
  const dryRun = isDryRun(req.url);
  obj.apiVersion = apiVersionOf(t.r);
  obj.kind = t.r.kind;
  if (t.r.namespaced) {
    if (obj.metadata.namespace && t.namespace && obj.metadata.namespace !== t.namespace) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    obj.metadata.namespace = t.namespace ?? obj.metadata.namespace;
    if (!obj.metadata.namespace) {
      throw badRequest("a namespace is required to create a namespaced object");
    }
  }
  if (!obj.metadata.name && !obj.metadata.generateName) {
    throw invalid(t.r, "", [{
      reason: "FieldValueRequired",
      field: "metadata.name",
      message: "Required value: name or generateName is required",
    }]);
  }
  if (!obj.metadata.name) {
    obj.metadata.name = ctx.store.generateName(
      t.r,
      obj.metadata.namespace,
      obj.metadata.generateName!,
    );
  }
  if (hasStatus(t.r) && isGrove(t.r)) delete obj.status;
  if (t.r.kind === "Pod") obj.status = { phase: "Pending", qosClass: "BestEffort" };
  if (t.r.kind === "Namespace") obj.status = { phase: "Active" };
  if (t.r.kind === "Secret" && obj.stringData && typeof obj.stringData === "object") {
    // the API server folds stringData into data
    const enc = new TextEncoder();
    obj.data = { ...(obj.data ?? {}) };
    for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) {
      obj.data[k] = btoa(String.fromCharCode(...enc.encode(String(v))));
    }
    delete obj.stringData;
  }
  const headers = await validate(t, obj, undefined, req.url);
  const created = ctx.store.create(t.r, obj, { dryRun });
  return jsonResponse(jsonOf(created), 201, headers);
}

async function writeUpdate(
  ctx: SimContext,
  t: ApiTarget,
  req: HandlerRequest,
  old: KubeObject,
  candidate: KubeObject,
  requireRv: boolean,
): Promise<Response> {
  const dryRun = isDryRun(req.url);
  candidate.apiVersion = apiVersionOf(t.r);
  candidate.kind = t.r.kind;
  if (t.r.namespaced) candidate.metadata.namespace = old.metadata.namespace;
  if (requireRv && !candidate.metadata.resourceVersion && isGrove(t.r)) {
    throw invalid(t.r, old.metadata.name, [{
      reason: "FieldValueInvalid",
      field: "metadata.resourceVersion",
      message: "Invalid value: 0x0: must be specified for an update",
    }]);
  }
  checkImmutable(t, old, candidate);
  const sent = structuredClone(candidate); // validation prunes in place
  const merged = mergeForSubresource(t, old, candidate);
  const headers = await validate(t, merged, old, req.url, sent);
  const out = ctx.store.replace(t.r, merged, { dryRun });
  return jsonResponse(jsonOf(out), 200, headers);
}

/** PUT on an object or its status. */
export async function handleReplace(
  ctx: SimContext,
  t: ApiTarget,
  req: HandlerRequest,
): Promise<Response> {
  if (!t.name) throw methodNotAllowed();
  const obj = asObject(parseBody(req), t.r);
  if (obj.metadata.name && obj.metadata.name !== t.name) {
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${t.name})`,
    );
  }
  if (t.r.namespaced && obj.metadata.namespace && obj.metadata.namespace !== t.namespace) {
    throw badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
  obj.metadata.name = t.name;
  const old = mustGet(ctx, t);
  return await writeUpdate(ctx, t, req, old, obj, true);
}

const PATCH_TYPES: Record<string, "json" | "merge" | "strategic" | "apply"> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
  "application/apply-patch+json": "apply",
};

/** The patch type of a Content-Type header; 415 when unsupported. */
export function patchTypeOf(contentType: string | null): "json" | "merge" | "strategic" | "apply" {
  const ct = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const p = PATCH_TYPES[ct];
  if (!p) throw unsupportedMediaType(ct);
  return p;
}

/** Applies a patch body of a type to an object (pure apart from errors). */
export function applyPatch(
  r: ResourceDescriptor,
  old: KubeObject,
  type: "json" | "merge" | "strategic" | "apply",
  patch: unknown,
): KubeObject {
  try {
    switch (type) {
      case "json":
        return applyJsonPatch(old, patch);
      case "merge":
        if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
          throw new PatchError("a merge patch must be a JSON object");
        }
        return applyMergePatch(old, patch);
      case "strategic":
      case "apply":
        if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
          throw new PatchError("a strategic merge patch must be a JSON object");
        }
        return isGrove(r) ? applyMergePatch(old, patch) : applyStrategicMergePatch(old, patch);
    }
  } catch (e) {
    if (e instanceof PatchError) {
      throw new StatusError(
        status(422, "Invalid", e.message, { name: old.metadata.name, kind: r.kind }),
      );
    }
    throw e;
  }
}

/** PATCH on an object or its status. */
export async function handlePatch(
  ctx: SimContext,
  t: ApiTarget,
  req: HandlerRequest,
): Promise<Response> {
  if (!t.name) throw methodNotAllowed();
  const type = patchTypeOf(req.headers.get("content-type"));
  const body = parseBody(req, type === "apply");
  if (type === "apply") {
    if (!req.url.searchParams.get("fieldManager")) {
      throw invalid(t.r, t.name, [{
        reason: "FieldValueRequired",
        field: "fieldManager",
        message: "Required value: is required for apply patch",
      }]);
    }
    const cur = ctx.store.get(t.r, t.namespace, t.name);
    if (!cur) {
      const obj = asObject(body, t.r);
      obj.metadata.name = t.name;
      if (t.namespace) obj.metadata.namespace = t.namespace;
      const headers = await validate(t, obj, undefined, req.url);
      const created = ctx.store.create(t.r, obj, { dryRun: isDryRun(req.url) });
      return jsonResponse(jsonOf(created), 201, headers);
    }
    asObject(clone(body), t.r);
  }
  const old = mustGet(ctx, t);
  const next = applyPatch(t.r, old, type, body);
  if (next === null || typeof next !== "object" || !next.metadata) {
    throw badRequest("the patch removed the object's metadata");
  }
  return await writeUpdate(ctx, t, req, old, next, false);
}

/** The `autoscaling/v1` Scale of an object. */
export function scaleOf(o: KubeObject): unknown {
  const selector = o.status?.hpaPodSelector ?? o.status?.selector;
  const st: Record<string, unknown> = { replicas: o.status?.replicas ?? 0 };
  if (selector) st.selector = selector;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: st,
  };
}

/** GET, PUT and PATCH of the `/scale` subresource. */
export async function handleScale(
  ctx: SimContext,
  t: ApiTarget,
  req: HandlerRequest,
): Promise<Response> {
  const old = mustGet(ctx, t);
  if (req.method === "GET") return jsonResponse(scaleOf(old));
  let scale: KubeObject;
  if (req.method === "PUT") {
    scale = parseBody(req) as KubeObject;
    if (!scale || typeof scale !== "object" || scale.kind !== "Scale") {
      throw badRequest("the request body must be an autoscaling/v1 Scale");
    }
  } else if (req.method === "PATCH") {
    const type = patchTypeOf(req.headers.get("content-type"));
    const body = parseBody(req, type === "apply");
    scale = applyPatch(
      t.r,
      scaleOf(old) as KubeObject,
      type === "apply" ? "merge" : type,
      body,
    );
  } else throw methodNotAllowed();
  const replicas = scale.spec?.replicas;
  const scaleRes = { ...t.r, kind: "Scale", group: "autoscaling" };
  if (typeof replicas !== "number" || !Number.isInteger(replicas)) {
    throw invalid(scaleRes, t.name!, [{
      reason: "FieldValueInvalid",
      field: "spec.replicas",
      message: `Invalid value: ${JSON.stringify(replicas)}: must be an integer`,
    }]);
  }
  if (replicas < 0) {
    throw invalid(scaleRes, t.name!, [{
      reason: "FieldValueInvalid",
      field: "spec.replicas",
      message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
    }]);
  }
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== old.metadata.resourceVersion) throw conflict(t.r, t.name!);
  const next = clone(old);
  next.spec = { ...(next.spec ?? {}), replicas };
  const headers = await validate({ ...t, sub: undefined }, next, old, req.url);
  const out = ctx.store.replace(t.r, next, { dryRun: isDryRun(req.url) });
  return jsonResponse(scaleOf(out), 200, headers);
}

function deleteOptions(req: HandlerRequest): {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  /** `dryRun: ["All"]` in the DeleteOptions body (kubectl delete --dry-run=server sends it there). */
  dryRun?: boolean;
} {
  // deno-lint-ignore no-explicit-any
  let body: any = {};
  if (req.body.trim()) {
    try {
      body = JSON.parse(req.body);
    } catch (e) {
      throw badRequest(`invalid DeleteOptions: ${(e as Error).message}`);
    }
  }
  const policy = req.url.searchParams.get("propagationPolicy") ?? body.propagationPolicy ??
    (body.orphanDependents === true ? "Orphan" : undefined);
  if (policy && !["Background", "Foreground", "Orphan"].includes(policy)) {
    throw badRequest(`invalid propagationPolicy "${policy}"`);
  }
  const bodyDryRun: unknown[] = Array.isArray(body.dryRun) ? body.dryRun : [];
  if (bodyDryRun.some((x) => x !== "All")) {
    throw badRequest(`Invalid dry run value: ${bodyDryRun.join(",")}: valid values are: All`);
  }
  return {
    preconditions: body.preconditions,
    propagationPolicy: policy,
    dryRun: bodyDryRun.includes("All"),
  };
}

/** DELETE on an object. */
export function handleDelete(ctx: SimContext, t: ApiTarget, req: HandlerRequest): Response {
  if (!t.name) return handleDeleteCollection(ctx, t, req);
  const opts = deleteOptions(req);
  const dryRun = isDryRun(req.url) || opts.dryRun === true;
  const out = ctx.store.delete(t.r, t.namespace, t.name, { ...opts, dryRun });
  return jsonResponse(jsonOf(out), out.metadata.deletionTimestamp ? 202 : 200);
}

/** DELETE on a collection (with selectors). */
export function handleDeleteCollection(
  ctx: SimContext,
  t: ApiTarget,
  req: HandlerRequest,
): Response {
  const f = parseFilters(t.r, req.url);
  const opts = deleteOptions(req);
  const dryRun = isDryRun(req.url) || opts.dryRun === true;
  const items = ctx.store.list(t.r, t.namespace).filter((o) => matches(f, o));
  const deleted: KubeObject[] = [];
  for (const o of items) {
    if (!ctx.store.get(t.r, o.metadata.namespace, o.metadata.name)) continue;
    deleted.push(
      ctx.store.delete(t.r, o.metadata.namespace, o.metadata.name, {
        propagationPolicy: opts.propagationPolicy,
        dryRun,
      }),
    );
  }
  const head = JSON.stringify({
    kind: `${t.r.kind}List`,
    apiVersion: apiVersionOf(t.r),
    metadata: { resourceVersion: String(ctx.store.resourceVersion) },
  });
  return jsonResponse(`${head.slice(0, -1)},"items":[${deleted.map(jsonOf).join(",")}]}`);
}

/** POST pods/{name}/eviction: deletes the pod. */
export function handleEviction(ctx: SimContext, t: ApiTarget, req: HandlerRequest): Response {
  mustGet(ctx, t);
  const dryRun = isDryRun(req.url);
  ctx.store.delete(t.r, t.namespace, t.name!, { dryRun });
  return jsonResponse(
    { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 },
    201,
  );
}
