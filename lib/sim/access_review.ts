/**
 * `SelfSubjectAccessReview` (what `kubectl auth can-i` asks) for the
 * simulated cluster's two users: `admin` may do everything, `readonly` may
 * get, list and watch, but not read logs or use the pod proxy.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";
import { badRequest } from "./status.ts";

/** The discovery entry of selfsubjectaccessreviews. */
export const ACCESS_REVIEW: ResourceDescriptor = {
  group: "authorization.k8s.io",
  version: "v1",
  kind: "SelfSubjectAccessReview",
  plural: "selfsubjectaccessreviews",
  singular: "selfsubjectaccessreview",
  namespaced: false,
  shortNames: [],
  verbs: ["create"],
  subresources: [],
};

const READ_VERBS = new Set(["get", "list", "watch"]);

/** Whether the read-only user may do a verb on a (sub)resource. */
export function readOnlyAllows(verb: string, subresource?: string): boolean {
  return READ_VERBS.has(verb) && subresource !== "log" && subresource !== "proxy";
}

/** Length-delimited and varint fields of one protobuf message, by field number. */
function protoFields(buf: Uint8Array): Map<number, (Uint8Array | number)[]> {
  const out = new Map<number, (Uint8Array | number)[]>();
  let i = 0;
  const varint = (): number => {
    let v = 0, shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error("truncated varint");
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8), wire = key & 7;
    let val: Uint8Array | number;
    if (wire === 0) val = varint();
    else if (wire === 2) {
      const n = varint();
      val = buf.subarray(i, i + n);
      i += n;
    } else if (wire === 1) {
      i += 8;
      continue;
    } else if (wire === 5) {
      i += 4;
      continue;
    } else throw new Error(`unsupported wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), val]);
  }
  return out;
}

function protoStrings(buf: Uint8Array | undefined, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!buf) return out;
  const f = protoFields(buf);
  const dec = new TextDecoder();
  names.forEach((n, idx) => {
    const v = f.get(idx + 1)?.[0];
    if (v instanceof Uint8Array) out[n] = dec.decode(v);
  });
  return out;
}

function bytesField(m: Map<number, (Uint8Array | number)[]>, n: number): Uint8Array | undefined {
  const v = m.get(n)?.[0];
  return v instanceof Uint8Array ? v : undefined;
}

/**
 * Decodes a SelfSubjectAccessReview sent as Kubernetes protobuf (the `k8s\0`
 * envelope around runtime.Unknown), as kubectl's typed client sends it.
 */
export function decodeAccessReviewProtobuf(body: Uint8Array): unknown {
  const magic = [0x6b, 0x38, 0x73, 0x00];
  if (!magic.every((b, i) => body[i] === b)) throw new Error("not a Kubernetes protobuf body");
  const unknown = protoFields(body.subarray(4));
  const raw = bytesField(unknown, 2);
  if (!raw) throw new Error("empty protobuf body");
  const spec = bytesField(protoFields(raw), 2);
  if (!spec) throw new Error("no spec");
  const sf = protoFields(spec);
  const ra = bytesField(sf, 1);
  const nra = bytesField(sf, 2);
  const res: Record<string, unknown> = {};
  if (ra) {
    res.resourceAttributes = protoStrings(ra, [
      "namespace",
      "verb",
      "group",
      "version",
      "resource",
      "subresource",
      "name",
    ]);
  }
  if (nra) res.nonResourceAttributes = protoStrings(nra, ["path", "verb"]);
  return { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: res };
}

/** Answers a SelfSubjectAccessReview (JSON or protobuf body) for a user. */
export function reviewAccess(user: string, body: Uint8Array, contentType: string): unknown {
  // deno-lint-ignore no-explicit-any
  let review: any;
  try {
    review = contentType.includes("protobuf")
      ? decodeAccessReviewProtobuf(body)
      : JSON.parse(new TextDecoder().decode(body));
  } catch (e) {
    throw badRequest(`cannot decode the SelfSubjectAccessReview: ${(e as Error).message}`);
  }
  const attrs = review?.spec?.resourceAttributes;
  const nonResource = review?.spec?.nonResourceAttributes;
  if (!attrs && !nonResource) {
    throw badRequest("spec.resourceAttributes or spec.nonResourceAttributes is required");
  }
  const verb = String(attrs?.verb ?? nonResource?.verb ?? "");
  const allowed = user === "admin" ||
    (user === "readonly" && readOnlyAllows(verb, attrs?.subresource || undefined));
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec: review.spec,
    status: allowed
      ? { allowed: true, reason: `user "${user}" is allowed by the simulated cluster` }
      : { allowed: false },
  };
}
