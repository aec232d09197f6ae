/**
 * Parses API paths (`/api/v1/namespaces/ns/pods/name/log`,
 * `/apis/grove.io/v1alpha1/podcliquesets`) into a target, and maps a method
 * and target to the RBAC verb.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";
import type { ApiTarget } from "./context.ts";

/** Splits a resource path into group, version and the parts after them; undefined for non-resource paths. */
export function splitApiPath(
  path: string,
): { group: string; version: string; parts: string[] } | undefined {
  const segs = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (segs[0] === "api" && segs.length >= 2) {
    return { group: "", version: segs[1], parts: segs.slice(2) };
  }
  if (segs[0] === "apis" && segs.length >= 3) {
    return { group: segs[1], version: segs[2], parts: segs.slice(3) };
  }
  return undefined;
}

/** Resolves the parts after group/version against the served resources; undefined when nothing matches. */
export function parseTarget(
  served: readonly ResourceDescriptor[],
  group: string,
  version: string,
  parts0: string[],
): ApiTarget | undefined {
  let parts = parts0;
  let legacyWatch = false;
  if (parts[0] === "watch") {
    legacyWatch = true;
    parts = parts.slice(1);
  }
  if (!parts.length) return undefined;
  const find = (plural: string) =>
    served.find((r) => r.group === group && r.version === version && r.plural === plural);
  let namespace: string | undefined;
  let rest: string[];
  if (parts[0] === "namespaces" && parts.length >= 3) {
    namespace = parts[1];
    rest = parts.slice(2);
  } else {
    rest = parts;
  }
  const r = find(rest[0]);
  if (!r) return undefined;
  // `/api/v1/namespaces/{ns}` and `/api/v1/namespaces/{ns}/status`: the namespace object itself
  if (r.plural === "namespaces" && parts[0] === "namespaces") {
    return {
      r,
      name: parts[1],
      sub: parts[2],
      rest: "",
      legacyWatch,
    };
  }
  if (namespace !== undefined && !r.namespaced) return undefined;
  return {
    r,
    namespace,
    name: rest[1],
    sub: rest[2],
    rest: rest.length > 3 ? "/" + rest.slice(3).join("/") : "",
    legacyWatch,
  };
}

/** The RBAC verb of a request. */
export function verbOf(method: string, t: ApiTarget, watch: boolean): string {
  switch (method) {
    case "GET":
    case "HEAD":
      if (!t.name) return watch ? "watch" : "list";
      return watch ? "watch" : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return t.name ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}
