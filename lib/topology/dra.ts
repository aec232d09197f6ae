/**
 * GPUs through Dynamic Resource Allocation (`resource.k8s.io/v1`, GA in
 * Kubernetes 1.34): a GPU driver publishes each node's devices in
 * ResourceSlices, and a pod's ResourceClaim (from a PodCliqueSet's
 * `resourceClaimTemplates`) holds the devices allocated to it. On such
 * clusters nodes report no `nvidia.com/gpu` resource, so GPU figures come
 * from here; on clusters with the device plugin they come from the extended
 * resource; both may coexist. Pure.
 *
 * @module
 */

import type { KubeObject } from "../kube/types.ts";

/** A ResourceSlice (the fields we read). */
export interface ResourceSlice extends KubeObject {
  /** Spec. */
  spec?: {
    /** Driver, e.g. `gpu.nvidia.com`. */
    driver?: string;
    /** The node whose devices these are (node-local slices). */
    nodeName?: string;
    /** Devices. */
    devices?: { name: string }[];
  };
}

/** A ResourceClaim (the fields we read). */
export interface ResourceClaim extends KubeObject {
  /** Spec. */
  spec?: {
    /** Requested devices. */
    devices?: {
      requests?: {
        name: string;
        exactly?: { deviceClassName?: string; count?: number; allocationMode?: string };
      }[];
    };
  };
  /** Status: the allocation and the pods the claim is reserved for. */
  status?: {
    allocation?: {
      devices?: {
        results?: { request?: string; driver?: string; pool?: string; device?: string }[];
      };
      nodeSelector?: {
        nodeSelectorTerms?: {
          matchFields?: { key: string; operator: string; values?: string[] }[];
        }[];
      };
    };
    reservedFor?: { resource?: string; name?: string; uid?: string }[];
  };
}

/** True for a DRA driver or device class that hands out GPUs (`gpu.nvidia.com`, `gpu.amd.com`). */
export function isGpuDriver(name: string | undefined): boolean {
  return !!name && /(^|[.\-/])gpu([.\-/]|$)/i.test(name);
}

/** GPU devices and allocations read from DRA objects. */
export interface DraGpuIndex {
  /** GPU devices published per node (from ResourceSlices of GPU drivers). */
  nodeDevices: Map<string, number>;
  /** GPU devices allocated per pod, keyed `namespace/name`. */
  podDevices: Map<string, number>;
  /** GPU devices allocated per node (claims' allocations, whoever holds them). */
  nodeAllocated: Map<string, number>;
  /** True when any GPU ResourceSlice or GPU claim was seen. */
  present: boolean;
}

/** An empty index (clusters without DRA, or DRA not readable). */
export const NO_DRA: DraGpuIndex = {
  nodeDevices: new Map(),
  podDevices: new Map(),
  nodeAllocated: new Map(),
  present: false,
};

function claimNode(c: ResourceClaim): string | undefined {
  for (const t of c.status?.allocation?.nodeSelector?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) {
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) {
        return f.values[0];
      }
    }
  }
  return undefined;
}

/**
 * Indexes GPU devices from ResourceSlices and allocated GPU devices from
 * ResourceClaims. A claim counts for the pods in its `status.reservedFor`
 * (else the pods whose `status.resourceClaimStatuses` name it) and for the
 * node of its allocation (its node selector, else the slice pool's node).
 *
 * @example
 * ```ts
 * import { draGpuIndex } from "./dra.ts";
 * const idx = draGpuIndex(
 *   [{ metadata: { name: "c", namespace: "a" },
 *      status: { allocation: { devices: { results: [{ driver: "gpu.nvidia.com", pool: "n1", device: "gpu-0" }] } },
 *                reservedFor: [{ resource: "pods", name: "p" }] } }],
 *   [{ metadata: { name: "s" }, spec: { driver: "gpu.nvidia.com", nodeName: "n1",
 *      devices: [{ name: "gpu-0" }, { name: "gpu-1" }] } }],
 * );
 * [idx.nodeDevices.get("n1"), idx.podDevices.get("a/p"), idx.nodeAllocated.get("n1")]; // [2, 1, 1]
 * ```
 */
export function draGpuIndex(
  claims: readonly ResourceClaim[],
  slices: readonly ResourceSlice[],
  pods: readonly KubeObject[] = [],
): DraGpuIndex {
  const nodeDevices = new Map<string, number>();
  const poolNode = new Map<string, string>();
  let present = false;
  for (const s of slices) {
    if (!isGpuDriver(s.spec?.driver) || !s.spec?.nodeName) continue;
    present = true;
    const n = s.spec.devices?.length ?? 0;
    nodeDevices.set(s.spec.nodeName, (nodeDevices.get(s.spec.nodeName) ?? 0) + n);
    const pool = (s.spec as { pool?: { name?: string } }).pool?.name;
    if (pool) poolNode.set(`${s.spec.driver}/${pool}`, s.spec.nodeName);
  }
  // Claims named by pods' resourceClaimStatuses, for claims without reservedFor.
  const podsOfClaim = new Map<string, string[]>();
  for (const p of pods) {
    const ns = p.metadata.namespace ?? "";
    const st = (p as { status?: { resourceClaimStatuses?: { resourceClaimName?: string }[] } })
      .status?.resourceClaimStatuses ?? [];
    for (const x of st) {
      if (!x.resourceClaimName) continue;
      const key = `${ns}/${x.resourceClaimName}`;
      podsOfClaim.set(key, [...(podsOfClaim.get(key) ?? []), p.metadata.name]);
    }
  }
  const podDevices = new Map<string, number>();
  const nodeAllocated = new Map<string, number>();
  for (const c of claims) {
    const results = (c.status?.allocation?.devices?.results ?? []).filter((r) =>
      isGpuDriver(r.driver)
    );
    if (!results.length) continue;
    present = true;
    const ns = c.metadata.namespace ?? "";
    const holders = (c.status?.reservedFor ?? [])
      .filter((r) => (r.resource ?? "pods") === "pods" && r.name)
      .map((r) => r.name!);
    for (
      const pod of holders.length ? holders : podsOfClaim.get(`${ns}/${c.metadata.name}`) ?? []
    ) {
      const key = `${ns}/${pod}`;
      podDevices.set(key, (podDevices.get(key) ?? 0) + results.length);
    }
    const node = claimNode(c) ??
      poolNode.get(`${results[0].driver}/${results[0].pool}`);
    if (node) nodeAllocated.set(node, (nodeAllocated.get(node) ?? 0) + results.length);
  }
  return { nodeDevices, podDevices, nodeAllocated, present };
}

/** GPUs a pod holds through DRA (0 without claims). */
export function podDraGpus(idx: DraGpuIndex, pod: KubeObject): number {
  return idx.podDevices.get(`${pod.metadata.namespace ?? ""}/${pod.metadata.name}`) ?? 0;
}

/**
 * GPUs per pod a pod template asks for through DRA: the GPU device counts of
 * the claim templates its `resourceClaims` name, looked up in the
 * PodCliqueSet's `resourceClaimTemplates`.
 *
 * @example
 * ```ts
 * import { templateDraGpus } from "./dra.ts";
 * templateDraGpus(
 *   { resourceClaims: [{ name: "g", resourceClaimTemplateName: "w-gpus" }] },
 *   [{ name: "w-gpus", templateSpec: { spec: { devices: { requests: [
 *     { name: "g", exactly: { deviceClassName: "gpu.nvidia.com", count: 4 } }] } } } }],
 * ); // 4
 * ```
 */
export function templateDraGpus(
  podSpec: unknown,
  claimTemplates: unknown,
): number {
  const refs = ((podSpec as { resourceClaims?: { resourceClaimTemplateName?: string }[] })
    ?.resourceClaims ?? []).map((r) => r.resourceClaimTemplateName).filter(Boolean);
  if (!refs.length || !Array.isArray(claimTemplates)) return 0;
  let n = 0;
  for (const ref of refs) {
    const t = (claimTemplates as {
      name?: string;
      templateSpec?: { spec?: ResourceClaim["spec"] };
    }[]).find((x) => x.name === ref);
    for (const r of t?.templateSpec?.spec?.devices?.requests ?? []) {
      if (!isGpuDriver(r.exactly?.deviceClassName)) continue;
      if (r.exactly?.allocationMode === "All") continue; // unknown count
      n += r.exactly?.count ?? 1;
    }
  }
  return n;
}

/**
 * Lines for `status` and `health`: which GPUs of a PodCliqueSet come through
 * DRA (its `resourceClaimTemplates` and the cliques that name them) and what
 * it shares (`resourceSharing`), so a reader knows where GPU figures come
 * from. Empty for a set without DRA.
 *
 * @example
 * ```ts
 * import { draTemplateNotes } from "./dra.ts";
 * draTemplateNotes({ metadata: { name: "s" }, spec: { template: { cliques: [] } } }); // []
 * ```
 */
export function draTemplateNotes(pcs: {
  metadata: { name: string };
  spec?: { template?: Record<string, unknown> };
}): string[] {
  const tpl = pcs.spec?.template ?? {};
  const templates = (tpl.resourceClaimTemplates ?? []) as unknown[];
  const out: string[] = [];
  const cliques = (tpl.cliques ?? []) as { name: string; spec?: { podSpec?: unknown } }[];
  const users: string[] = [];
  for (const c of cliques) {
    const n = templateDraGpus(c.spec?.podSpec, templates);
    if (n > 0) users.push(`${c.name} ${n}/pod`);
  }
  if (users.length) {
    out.push(`GPUs via DRA claims: ${users.join(", ")} (see: kubectl grove topology)`);
  } else if (Array.isArray(templates) && templates.length) {
    out.push(
      `resourceClaimTemplates: ${
        templates.map((t) => (t as { name?: string }).name ?? "?").join(", ")
      } (no GPU device class)`,
    );
  }
  const sharing = (tpl.resourceSharing ?? []) as { name?: string; scope?: string }[];
  if (Array.isArray(sharing) && sharing.length) {
    out.push(
      `resourceSharing: ${sharing.map((s) => `${s.name ?? "?"} (${s.scope ?? "?"})`).join(", ")}`,
    );
  }
  return out;
}
