/**
 * Discovery documents of the simulated API server (`/version`, `/api`,
 * `/apis`, `/api/v1`, `/apis/<group>/<version>`), built from the
 * {@link Resources} descriptors so the client and the server never disagree.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";

/** `/version`. */
export function versionInfo(): Record<string, string> {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-grove-sim",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.23.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** `/api`. */
export function coreVersions(serverAddress: string): unknown {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

/** Group names and their versions of the served (non-core) resources, in first-seen order. */
function groups(served: readonly ResourceDescriptor[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of served) {
    if (!r.group) continue;
    const vs = m.get(r.group) ?? [];
    if (!vs.includes(r.version)) vs.push(r.version);
    m.set(r.group, vs);
  }
  return m;
}

/** `/apis`. */
export function groupList(served: readonly ResourceDescriptor[]): unknown {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups(served)].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** `/apis/<group>` (one APIGroup), or undefined when the group is not served. */
export function apiGroup(served: readonly ResourceDescriptor[], group: string): unknown {
  const versions = groups(served).get(group);
  if (!versions) return undefined;
  return {
    kind: "APIGroup",
    apiVersion: "v1",
    name: group,
    versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
  };
}

function subresourceEntry(r: ResourceDescriptor, sub: string): Record<string, unknown> {
  const base = { name: `${r.plural}/${sub}`, singularName: "", namespaced: r.namespaced };
  switch (sub) {
    case "scale":
      return {
        ...base,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      };
    case "status":
      return { ...base, kind: r.kind, verbs: ["get", "patch", "update"] };
    case "log":
      return { ...base, kind: "Pod", verbs: ["get"] };
    case "proxy":
      return {
        ...base,
        kind: `${r.kind}ProxyOptions`,
        verbs: ["create", "delete", "get", "patch", "update"],
      };
    case "eviction":
      return { ...base, group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] };
    default:
      return { ...base, kind: r.kind, verbs: ["get"] };
  }
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when that group version is not served. */
export function resourceList(
  served: readonly ResourceDescriptor[],
  group: string,
  version: string,
): unknown {
  const rs = served.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of rs) {
    const e: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
    };
    if (r.shortNames.length) e.shortNames = [...r.shortNames];
    if (r.categories?.length) e.categories = [...r.categories];
    else if (r.group.endsWith("grove.io") && r.namespaced) e.categories = ["all", "grove"];
    resources.push(e);
    for (const s of r.subresources) resources.push(subresourceEntry(r, s));
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** The media type of aggregated discovery (`apidiscovery.k8s.io/v2`). */
export const AGGREGATED_DISCOVERY_TYPE =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** True when an Accept header asks for aggregated discovery (as kubectl and client-go do first). */
export function wantsAggregatedDiscovery(accept: string | null): boolean {
  if (!accept) return false;
  return accept.split(",").some((t) => {
    const p = t.split(";").map((s) => s.trim());
    return p.includes("g=apidiscovery.k8s.io") && p.includes("v=v2") &&
      p.includes("as=APIGroupDiscoveryList");
  });
}

function discoveredSubresource(r: ResourceDescriptor, sub: string): Record<string, unknown> {
  const e = subresourceEntry(r, sub);
  return {
    subresource: sub,
    responseKind: {
      group: (e.group as string | undefined) ?? (sub === "scale" ? "autoscaling" : r.group),
      version: (e.version as string | undefined) ?? r.version,
      kind: e.kind,
    },
    verbs: e.verbs,
  };
}

/**
 * Aggregated discovery of `/api` (`core` true: the legacy group) or `/apis`:
 * one `APIGroupDiscoveryList` with every group, version and resource, as
 * kube-apiserver serves it since 1.30.
 */
export function aggregatedDiscovery(served: readonly ResourceDescriptor[], core: boolean): unknown {
  const list: [string, string[]][] = core ? [["", ["v1"]]] : [...groups(served)];
  const items = list.map(([name, versions]) => ({
    metadata: core ? { creationTimestamp: null } : { name, creationTimestamp: null },
    versions: versions.map((v) => ({
      version: v,
      resources: served.filter((r) => r.group === name && r.version === v).map((r) => {
        const e: Record<string, unknown> = {
          resource: r.plural,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced ? "Namespaced" : "Cluster",
          singularResource: r.singular,
          verbs: [...r.verbs],
        };
        if (r.shortNames.length) e.shortNames = [...r.shortNames];
        if (r.categories?.length) e.categories = [...r.categories];
        else if (r.group.endsWith("grove.io") && r.namespaced) e.categories = ["all", "grove"];
        if (r.subresources.length) {
          e.subresources = r.subresources.map((s) => discoveredSubresource(r, s));
        }
        return e;
      }),
      freshness: "Current",
    })),
  }));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items,
  };
}
