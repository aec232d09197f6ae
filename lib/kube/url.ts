/**
 * API paths built from resource descriptors. Pure.
 *
 * @module
 */

import type { ResourceDescriptor } from "./resources.ts";

/**
 * The path of a collection or object: `/api/v1/namespaces/ns/pods/name/log`,
 * `/apis/grove.io/v1alpha1/podcliquesets`. The namespace is ignored for
 * cluster-scoped kinds; omitted for namespaced ones it means all namespaces.
 *
 * @example
 * ```ts
 * import { resourcePath } from "./url.ts";
 * import { Resources } from "./resources.ts";
 * resourcePath(Resources.podcliquesets, { namespace: "ns", name: "demo", subresource: "scale" });
 * // "/apis/grove.io/v1alpha1/namespaces/ns/podcliquesets/demo/scale"
 * ```
 */
export function resourcePath(
  r: ResourceDescriptor,
  opts: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && opts.namespace
    ? `/namespaces/${encodeURIComponent(opts.namespace)}`
    : "";
  let p = `${base}${ns}/${r.plural}`;
  if (opts.name !== undefined) p += `/${encodeURIComponent(opts.name)}`;
  if (opts.subresource) p += `/${opts.subresource}`;
  return p;
}

/** Appends query parameters, skipping undefined and empty values. */
export function withQuery(
  path: string,
  q: Record<string, string | number | boolean | undefined>,
): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === "") continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  if (!parts.length) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${parts.join("&")}`;
}
