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
import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { qualifiedName, type ResourceDescriptor, Resources } from "../../lib/kube/resources.ts";
import { OBJECT_FIELDS, POD_FIELDS } from "../../lib/kube/fields.ts";
import type { Kube, KubeObject, ListOptions } from "../../lib/kube/types.ts";
import type { StatusObjects, StatusScope } from "./report.ts";
import { closeNames } from "./suggest.ts";

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
  const results = await Promise.all(
    specs.map((s) => kube.list(s.resource, s.options).catch((e) => explain(e, s, kube))),
  );
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

/** The error for a cluster that does not serve Grove's API groups. */
export function groveMissing(kube: Kube, r: ResourceDescriptor, cause?: unknown): GroveError {
  return new GroveError(
    `the cluster of context "${kube.contextName}" (${kube.server}) does not serve ${
      qualifiedName(r)
    } (${r.group}/${r.version}): is the Grove operator installed?`,
    {
      hint: `check with: kubectl get crd ${
        qualifiedName(r)
      }; install Grove (https://github.com/ai-dynamo/grove) or switch context with --context`,
      cause,
    },
  );
}

/**
 * The error for an unknown PodCliqueSet: close names in the namespace, the
 * namespaces where that name exists, or that the namespace has none. Costs
 * two lists, only on this error path.
 */
export async function pcsNotFound(
  kube: Kube,
  name: string,
  namespace: string | undefined,
): Promise<GroveError> {
  const where = namespace === undefined ? "in any namespace" : `in namespace "${namespace}"`;
  const [here, everywhere] = await Promise.allSettled([
    namespace === undefined
      ? Promise.resolve({ items: [] as PodCliqueSet[] })
      : kube.list<PodCliqueSet>(Resources.podcliquesets, { namespace }),
    kube.list<PodCliqueSet>(Resources.podcliquesets, {}),
  ]);
  const local = here.status === "fulfilled" ? here.value.items.map((p) => p.metadata.name) : [];
  const all = everywhere.status === "fulfilled" ? everywhere.value.items : [];
  const elsewhere = all
    .filter((p) => p.metadata.name === name && p.metadata.namespace !== namespace)
    .map((p) => p.metadata.namespace ?? "");
  const msg = `podcliqueset "${name}" not found ${where}`;
  const hints: string[] = [];
  if (elsewhere.length) {
    hints.push(
      `it exists in namespace${elsewhere.length > 1 ? "s" : ""} ${
        elsewhere.map((n) => `"${n}"`).join(", ")
      }: add -n ${elsewhere[0]}`,
    );
  }
  const pool = namespace === undefined ? all.map((p) => p.metadata.name) : local;
  const close = closeNames(name, pool);
  if (close.length) hints.push(`did you mean: ${close.join(", ")}?`);
  if (here.status === "fulfilled" && local.length === 0 && namespace !== undefined) {
    return new GroveError(`${msg}: the namespace has no PodCliqueSets`, {
      hint: hints.length
        ? hints.join("; ")
        : "pick the namespace with -n <namespace>, or list every namespace: kubectl grove status --all -A",
    });
  }
  if (!close.length && local.length) {
    hints.push(
      `PodCliqueSets here: ${local.slice(0, 8).join(", ")}${local.length > 8 ? ", ..." : ""}`,
    );
  }
  if (!hints.length) hints.push("list them with: kubectl grove status --all -A");
  return new GroveError(msg, { hint: hints.join("; ") });
}
