/**
 * Listing Grove objects and the errors that say what is wrong: a cluster
 * without Grove's API ({@link groveMissing}), an unknown PodCliqueSet with
 * close names and the namespaces where it exists ({@link pcsNotFound}), and
 * lists that may be forbidden or not served ({@link listOptional}).
 *
 * @module
 */

import type { FieldMask } from "../kube/list_stream.ts";
import { type ApiError, GroveError, isApiStatus } from "../errors.ts";
import { qualifiedName, type ResourceDescriptor, Resources } from "../kube/resources.ts";
import type { Kube, KubeObject, ListOptions } from "../kube/types.ts";
import { closeNames } from "./suggest.ts";
import type { Pod, PodCliqueSet } from "./types.ts";

/** Result of {@link listOptional}. */
export interface OptionalList<T> {
  /** Items (empty when not readable). */
  items: T[];
  /** The list's resourceVersion ("" when not readable). */
  resourceVersion: string;
  /** `forbidden` (403) or `absent` (404: the kind is not served), else undefined. */
  failure?: "forbidden" | "absent";
  /** The error, when there was one. */
  error?: ApiError;
}

/**
 * Lists a kind, turning 403 (forbidden) and 404 (kind not served, e.g. a CRD
 * that is not installed) into an empty result with the reason. Other errors
 * are thrown.
 */
export async function listOptional<T extends KubeObject>(
  kube: Kube,
  r: ResourceDescriptor,
  opts: ListOptions = {},
): Promise<OptionalList<T>> {
  try {
    const res = await kube.list<T>(r, opts);
    return { items: res.items, resourceVersion: res.resourceVersion };
  } catch (e) {
    if (isApiStatus(e, 403)) {
      return { items: [], resourceVersion: "", failure: "forbidden", error: e };
    }
    if (isApiStatus(e, 404)) return { items: [], resourceVersion: "", failure: "absent", error: e };
    throw e;
  }
}

/** Lists pods of every namespace, falling back to one namespace when that is forbidden. */
export async function listPodsForGpus(
  kube: Kube,
  namespace: string | undefined,
  fields?: FieldMask,
): Promise<{ items: Pod[]; resourceVersion: string; scope: "cluster" | "namespace" }> {
  const all = await listOptional<Pod>(kube, Resources.pods, { fields });
  if (!all.failure) {
    return { items: all.items, resourceVersion: all.resourceVersion, scope: "cluster" };
  }
  if (namespace === undefined) throw all.error!;
  const ns = await kube.list<Pod>(Resources.pods, { namespace, fields });
  return { items: ns.items, resourceVersion: ns.resourceVersion, scope: "namespace" };
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
