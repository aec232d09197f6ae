/**
 * `SelfSubjectAccessReview` (what `kubectl auth can-i` asks) for the
 * simulated cluster's two users: `admin` may do everything, `readonly` may
 * get, list and watch, but not read logs or use the pod proxy.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";
import { decodeProtobufObject } from "./protobuf.ts";
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

/** Answers a SelfSubjectAccessReview (JSON or protobuf body) for a user. */
export function reviewAccess(user: string, body: Uint8Array, contentType: string): unknown {
  // deno-lint-ignore no-explicit-any
  let review: any;
  try {
    review = contentType.includes("protobuf")
      ? decodeProtobufObject(body)
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
