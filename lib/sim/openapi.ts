/**
 * OpenAPI v3 documents of the simulated API server, just enough for kubectl:
 * the `/openapi/v3` index, and one document per group version whose PATCH
 * operations declare the `fieldValidation` parameter (so `kubectl apply` and
 * `kubectl create` leave validation to the server) and whose component
 * schemas carry the Grove CRD schemas (so `kubectl explain pcs` works).
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";
import { schemaFor } from "./validate.ts";

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`: the group versions and where their documents are. */
export function openApiIndex(served: readonly ResourceDescriptor[]): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of served) {
    const p = gvPath(r.group, r.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=sim1` };
  }
  return { paths };
}

function schemaName(r: ResourceDescriptor): string {
  const g = r.group ? r.group.split(".").reverse().join(".") : "io.k8s.api.core";
  return `${g}.${r.version}.${r.kind}`;
}

const QUERY_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"].map((
  name,
) => ({ name, in: "query", schema: { type: name === "force" ? "boolean" : "string" } }));

/** `/openapi/v3/<api|apis/group>/<version>`, or undefined when that group version is not served. */
export async function openApiDocument(
  served: readonly ResourceDescriptor[],
  path: string,
): Promise<unknown> {
  const rs = served.filter((r) => gvPath(r.group, r.version) === path);
  if (!rs.length) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const r of rs) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const name = schemaName(r);
    const ref = { $ref: `#/components/schemas/${name}` };
    const crd = await schemaFor(r);
    schemas[name] = {
      ...(crd ?? { type: "object", description: `${r.kind} (simulated cluster)` }),
      "x-kubernetes-group-version-kind": [gvk],
    };
    const base = `/${gvPath(r.group, r.version)}${
      r.namespaced ? "/namespaces/{namespace}" : ""
    }/${r.plural}`;
    const body = (types: string[]) => ({
      content: Object.fromEntries(types.map((t) => [t, { schema: ref }])),
      required: true,
    });
    const ok = { responses: { "200": { content: { "application/json": { schema: ref } } } } };
    paths[base] = {
      get: { ...ok, "x-kubernetes-action": "list", "x-kubernetes-group-version-kind": gvk },
      post: {
        ...ok,
        requestBody: body(["*/*"]),
        parameters: QUERY_PARAMS,
        "x-kubernetes-action": "post",
        "x-kubernetes-group-version-kind": gvk,
      },
    };
    const patchTypes = [
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
    ];
    paths[`${base}/{name}`] = {
      get: { ...ok, "x-kubernetes-action": "get", "x-kubernetes-group-version-kind": gvk },
      put: {
        ...ok,
        requestBody: body(["*/*"]),
        parameters: QUERY_PARAMS,
        "x-kubernetes-action": "put",
        "x-kubernetes-group-version-kind": gvk,
      },
      patch: {
        ...ok,
        requestBody: body(patchTypes),
        parameters: QUERY_PARAMS,
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": gvk,
      },
      delete: { ...ok, "x-kubernetes-action": "delete", "x-kubernetes-group-version-kind": gvk },
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes (kubectl-grove simulated cluster)", version: "v1.32.0" },
    paths,
    components: { schemas },
  };
}
