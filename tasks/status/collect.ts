/**
 * The I/O of `status`: a fixed number of lists, issued concurrently and
 * filtered on the server, whatever the cluster size. For one PodCliqueSet:
 * the PCS (field selector on its name), then its PodCliques,
 * PodCliqueScalingGroups, PodGangs and pods (label selector
 * `app.kubernetes.io/part-of=<pcs>`): five requests. With `--all`, the same
 * five kinds over the namespace (or all namespaces), the Grove-owned ones
 * selected by the existence of the `part-of` label.
 *
 * @module
 */

import { GroveError, isApiStatus } from "../../lib/errors.ts";
import { LabelKeys, partOfSelector } from "../../lib/grove/labels.ts";
import { isDnsSubdomain } from "../../lib/grove/names.ts";
import { type ResourceDescriptor, Resources } from "../../lib/kube/resources.ts";
import { OBJECT_FIELDS, POD_FIELDS } from "../../lib/kube/fields.ts";
import type { Kube, KubeObject, ListOptions } from "../../lib/kube/types.ts";
import type { StatusObjects, StatusScope } from "./report.ts";
import { groveMissing, pcsNotFound } from "../../lib/grove/list.ts";

/** What to report on. */
export interface StatusQuery {
  /** A PodCliqueSet name; omitted (or with `all`) means every PodCliqueSet. */
  name?: string;
  /** Namespace (default: the client's namespace). */
  namespace?: string;
  /** Every PodCliqueSet of the namespace. */
  all?: boolean;
  /** Every namespace (`-A`). */
  allNamespaces?: boolean;
}

/** The kinds a status report lists, by their key in {@link StatusObjects}. */
export type StatusKind = Exclude<keyof StatusObjects, "scope">;

/** One list `status` issues: which resource, with which server-side filter. */
export interface StatusListSpec {
  /** Where the items go in {@link StatusObjects}. */
  key: StatusKind;
  /** The resource. */
  resource: ResourceDescriptor;
  /** Namespace and selectors. */
  options: ListOptions;
}

/**
 * Resolves a query against the client's default namespace. A query without a
 * name means `--all`.
 *
 * @example
 * ```ts
 * import { statusScope } from "./collect.ts";
 * statusScope({ name: "qwen" }, "inference");
 * // { name: "qwen", namespace: "inference", all: false, allNamespaces: false }
 * ```
 */
export function statusScope(q: StatusQuery, defaultNamespace: string): StatusScope {
  const allNamespaces = q.allNamespaces === true;
  const all = q.all === true || !q.name;
  if (q.name !== undefined && !all && !isDnsSubdomain(q.name)) {
    throw new GroveError(
      `"${q.name}" is not a valid PodCliqueSet name (lower-case letters, digits, '-' and '.')`,
      { hint: "list the PodCliqueSets with: kubectl grove status --all" },
    );
  }
  return {
    ...(all ? {} : { name: q.name }),
    ...(allNamespaces ? {} : { namespace: q.namespace || defaultNamespace }),
    all,
    allNamespaces,
  };
}

/**
 * The lists `status` issues for a scope: always five, whatever the cluster
 * size. `lib/watch` watches the same specs for `--watch`.
 *
 * @example
 * ```ts
 * import { statusListSpecs } from "./collect.ts";
 * const specs = statusListSpecs({ name: "qwen", namespace: "inference", all: false, allNamespaces: false });
 * console.log(specs.map((s) => s.options.labelSelector ?? s.options.fieldSelector));
 * // ["metadata.name=qwen", "app.kubernetes.io/part-of=qwen", ... ]
 * ```
 */
export function statusListSpecs(scope: StatusScope): StatusListSpec[] {
  // each item cut down to what the report reads, as it arrives (lib/kube/fields.ts)
  const ns = scope.allNamespaces ? { fields: OBJECT_FIELDS } : {
    namespace: scope.namespace,
    fields: OBJECT_FIELDS,
  };
  const owned: ListOptions = scope.all || scope.name === undefined
    ? { ...ns, labelSelector: LabelKeys.partOf }
    : { ...ns, labelSelector: partOfSelector(scope.name) };
  const sets: ListOptions = scope.all || scope.name === undefined
    ? { ...ns }
    : { ...ns, fieldSelector: `metadata.name=${scope.name}` };
  return [
    { key: "podCliqueSets", resource: Resources.podcliquesets, options: sets },
    { key: "podCliques", resource: Resources.podcliques, options: owned },
    { key: "scalingGroups", resource: Resources.podcliquescalinggroups, options: owned },
    { key: "podGangs", resource: Resources.podgangs, options: owned },
    { key: "pods", resource: Resources.pods, options: { ...owned, fields: POD_FIELDS } },
  ];
}

/** The objects of a status, with the resourceVersion of each list (to start watches from). */
export interface CollectedStatus extends StatusObjects {
  /** resourceVersion of each list. */
  resourceVersions: Record<StatusKind, string>;
}

/**
 * Lists everything a status report needs, concurrently, and checks that the
 * named PodCliqueSet exists. Errors: the Grove API missing ("is the Grove
 * operator installed?"), 403 (which verb on which resource), an unknown
 * PodCliqueSet (with close names), passed on as {@link GroveError}s.
 */
export async function collectStatus(kube: Kube, q: StatusQuery): Promise<CollectedStatus> {
  const scope = statusScope(q, kube.namespace);
  const specs = statusListSpecs(scope);
  // every list is awaited, then the first failure in spec order (PodCliqueSets first) is
  // reported, whichever answer arrived first: the same cause gives the same message every run
  const settled = await Promise.allSettled(specs.map((s) => kube.list(s.resource, s.options)));
  const results = settled.map((r, i) => {
    if (r.status === "rejected") explain(r.reason, specs[i], kube);
    return (r as PromiseFulfilledResult<Awaited<ReturnType<Kube["list"]>>>).value;
  });
  const out: CollectedStatus = {
    scope,
    podCliqueSets: [],
    podCliques: [],
    scalingGroups: [],
    podGangs: [],
    pods: [],
    resourceVersions: {} as Record<StatusKind, string>,
  };
  specs.forEach((s, i) => {
    (out[s.key] as KubeObject[]) = results[i].items;
    out.resourceVersions[s.key] = results[i].resourceVersion;
  });
  if (scope.name !== undefined && out.podCliqueSets.length === 0) {
    throw await pcsNotFound(kube, scope.name, scope.namespace);
  }
  return out;
}

/** Turns a 404 on a Grove list into "is the Grove operator installed?"; passes other errors on. */
function explain(e: unknown, s: StatusListSpec, kube: Kube): never {
  if (isApiStatus(e, 404) && s.resource.group.endsWith("grove.io")) {
    throw groveMissing(kube, s.resource, e);
  }
  throw e;
}
