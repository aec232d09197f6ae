/**
 * Descriptors of the Kubernetes resources kubectl-grove reads and writes.
 * The client builds URLs from them and the simulated cluster serves discovery
 * from them, so the two can never disagree.
 *
 * @module
 */

/** One API resource: where it lives and what it is called. */
export interface ResourceDescriptor {
  /** API group; "" for the core group. */
  group: string;
  /** API version within the group. */
  version: string;
  /** Kind, e.g. `PodCliqueSet`. */
  kind: string;
  /** Plural resource name used in URLs, e.g. `podcliquesets`. */
  plural: string;
  /** Singular name, e.g. `podcliqueset`. */
  singular: string;
  /** True when objects live in a namespace. */
  namespaced: boolean;
  /** Short names kubectl accepts (`pcs`). */
  shortNames: string[];
  /** Verbs the server allows. */
  verbs: string[];
  /** Subresources served (`status`, `scale`, `log`, `proxy`). */
  subresources: string[];
  /** Categories (`all`) for discovery. */
  categories?: string[];
}

const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function res(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[],
  subresources: string[] = [],
  verbs: string[] = RW,
): ResourceDescriptor {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    verbs,
    subresources,
  };
}

/** Key of a resource in {@link Resources}. */
export type ResourceKey =
  | "pods"
  | "nodes"
  | "events"
  | "configmaps"
  | "secrets"
  | "namespaces"
  | "controllerrevisions"
  | "podcliquesets"
  | "podcliques"
  | "podcliquescalinggroups"
  | "clustertopologybindings"
  | "clustertopologies"
  | "podgangs"
  | "resourceclaims"
  | "resourceslices";

/** The resources we use, by a short key. */
export const Resources: Readonly<Record<ResourceKey, ResourceDescriptor>> = {
  pods: res("", "v1", "Pod", "pods", true, ["po"], ["status", "log", "proxy", "eviction"]),
  nodes: res("", "v1", "Node", "nodes", false, ["no"], ["status", "proxy"]),
  events: res("", "v1", "Event", "events", true, ["ev"]),
  configmaps: res("", "v1", "ConfigMap", "configmaps", true, ["cm"]),
  secrets: res("", "v1", "Secret", "secrets", true, []),
  namespaces: res("", "v1", "Namespace", "namespaces", false, ["ns"], ["status"]),
  controllerrevisions: res("apps", "v1", "ControllerRevision", "controllerrevisions", true, []),
  podcliquesets: res("grove.io", "v1alpha1", "PodCliqueSet", "podcliquesets", true, ["pcs"], [
    "status",
    "scale",
  ]),
  podcliques: res("grove.io", "v1alpha1", "PodClique", "podcliques", true, ["pclq"], [
    "status",
    "scale",
  ]),
  podcliquescalinggroups: res(
    "grove.io",
    "v1alpha1",
    "PodCliqueScalingGroup",
    "podcliquescalinggroups",
    true,
    ["pcsg"],
    ["status", "scale"],
  ),
  clustertopologybindings: res(
    "grove.io",
    "v1alpha1",
    "ClusterTopologyBinding",
    "clustertopologybindings",
    false,
    ["ct"],
    ["status"],
  ),
  /** Legacy (up to Grove v0.1.0-alpha.8); shares the `ct` short name, so a cluster has one or the other. */
  clustertopologies: res(
    "grove.io",
    "v1alpha1",
    "ClusterTopology",
    "clustertopologies",
    false,
    ["ct"],
  ),
  podgangs: res("scheduler.grove.io", "v1alpha1", "PodGang", "podgangs", true, ["pg"], ["status"]),
  /** DRA (Kubernetes 1.34 GA): a pod's claim on devices, with the allocation in its status. */
  resourceclaims: res("resource.k8s.io", "v1", "ResourceClaim", "resourceclaims", true, [], [
    "status",
  ]),
  /** DRA: the devices a driver publishes per node. */
  resourceslices: res("resource.k8s.io", "v1", "ResourceSlice", "resourceslices", false, []),
};

/** `apiVersion` of a resource (`v1`, `grove.io/v1alpha1`). */
export function apiVersionOf(r: ResourceDescriptor): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `plural.group` (or `plural` for core): how kubectl and RBAC name a resource. */
export function qualifiedName(r: ResourceDescriptor): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** Finds the descriptor of an `apiVersion` + `kind`, or undefined. */
export function resourceForKind(
  apiVersion: string,
  kind: string,
): ResourceDescriptor | undefined {
  return Object.values(Resources).find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}
