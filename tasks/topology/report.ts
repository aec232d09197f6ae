/**
 * The pure step of `topology`: objects -> a typed report of where a
 * workload's pods landed against the cluster topology, how well, and what
 * capacity is left.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import { rfc3339 } from "../../lib/grove/duration.ts";
import { AnnotationKeys, LabelKeys } from "../../lib/grove/labels.ts";
import { isPodTerminated, podDisplayStatus, podGpus, podRef } from "../../lib/grove/relations.ts";
import type {
  ClusterTopologyBinding,
  Pod,
  PodCliqueSet,
  PodGang,
  TopologyLevel,
  TopologyPack,
} from "../../lib/grove/types.ts";
import { packDomains } from "../../lib/grove/pack.ts";
import { draGpuIndex, podDraGpus } from "../../lib/topology/dra.ts";
import type { GpuSource } from "../../lib/topology/model.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import {
  domainNameForKey,
  HOST_KEY,
  levelIndex,
  resolveTopology,
  type TopologySource,
} from "../../lib/topology/levels.ts";
import {
  buildDomainTree,
  domainLevels,
  type DomainNode,
  flattenDomains,
  type NodeGpuState,
  nodeGpuStates,
  nodeStateValue,
} from "../../lib/topology/model.ts";
import {
  type DomainFit,
  type Fragmentation,
  fragmentation,
  podsThatFit,
  rankDomainsForShapes,
} from "../../lib/topology/placement.ts";
import type { TopologyObjects } from "./collect.ts";

/** Placement verdict of a gang or a domain. */
export type PlacementLabel = "optimal" | "split" | "fragmented";

/** Options of {@link buildTopologyReport}. */
export interface TopologyReportOptions {
  /** The present (reports carry it; nothing else depends on it). */
  now: Date | number;
  /** Only this PodCliqueSet (must exist). */
  pcs?: string;
  /** Whole-cluster capacity view. */
  cluster?: boolean;
  /** A placement score below this is flagged (default 0.7). */
  lowScore?: number;
}

/** One scheduler backend topology a ClusterTopologyBinding is bound to. */
export interface SchedulerBindingView {
  /** Scheduler (e.g. `kai-scheduler`). */
  schedulerName: string;
  /** The scheduler's own topology object. */
  topologyReference: string;
  /** From `status.schedulerTopologyStatuses`: in sync; undefined when not reported. */
  inSync?: boolean;
  /** The status message. */
  message?: string;
}

/** The scheduler bindings and drift condition of the binding in use. */
function bindingView(
  bindings: readonly ClusterTopologyBinding[],
  name: string | undefined,
): Pick<TopologyReport["topology"], "schedulerBindings" | "drift"> {
  const b = name ? bindings.find((x) => x.metadata.name === name) : undefined;
  if (!b) return { schedulerBindings: [] };
  const statuses =
    (b.status as { schedulerTopologyStatuses?: Record<string, unknown>[] } | undefined)
      ?.schedulerTopologyStatuses ?? [];
  const schedulerBindings = (b.spec?.schedulerTopologyBindings ?? []).map((x) => {
    const st = statuses.find((y) =>
      y.schedulerName === x.schedulerName && y.topologyReference === x.topologyReference
    );
    return {
      schedulerName: x.schedulerName,
      topologyReference: x.topologyReference,
      ...(typeof st?.inSync === "boolean" ? { inSync: st.inSync } : {}),
      ...(typeof st?.message === "string" && st.message ? { message: st.message } : {}),
    };
  });
  const c = (b.status?.conditions ?? []).find((x) => x.type === "SchedulerTopologyDrift");
  return {
    schedulerBindings,
    ...(c?.status === "True"
      ? { drift: { reason: c.reason, message: c.message, since: c.lastTransitionTime } }
      : {}),
  };
}

/** A pack constraint resolved to node label keys and domain names. */
export interface ResolvedPack {
  /** Required label key. */
  requiredKey?: string;
  /** Required domain name (`rack`). */
  required?: string;
  /** Preferred label key. */
  preferredKey?: string;
  /** Preferred domain name. */
  preferred?: string;
  /** Where the constraint came from. */
  source: "PodGang" | "PodCliqueSet" | "none";
}

/** How many domains a gang's scheduled pods span at one level. */
export interface GangSpan {
  /** Domain name (`rack`). */
  level: string;
  /** Label key. */
  key: string;
  /** Distinct values, sorted. */
  domains: string[];
}

/** Placement of one PodGang. */
export interface GangPlacement {
  /** PodGang name. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** PodCliqueSet. */
  pcs: string;
  /** `status.phase` (`Unknown` when absent). */
  phase: string;
  /** `status.placementScore` (0..1), when the scheduler wrote one. */
  placementScore?: number;
  /** Pack constraint. */
  pack: ResolvedPack;
  /** Non-terminated pods. */
  pods: number;
  /** Pods bound to a node. */
  scheduledPods: number;
  /** GPUs requested by its non-terminated pods. */
  gpus: number;
  /** GPU shapes of its pods (GPUs per pod, largest first). */
  shapes: number[];
  /** Spans per level (broadest first, host last). */
  spans: GangSpan[];
  /** Verdict at the pack level: one domain optimal, two split, more fragmented. Undefined without a constraint. */
  placement?: PlacementLabel;
}

/** One of the selection's pods, placed on a node. */
export interface PodPlacement {
  /** Pod name. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** PodCliqueSet. */
  pcs: string;
  /** PodGang. */
  gang?: string;
  /** PodClique (full name). */
  clique?: string;
  /** Clique template name. */
  cliqueTemplate?: string;
  /** Role (roleName of the clique). */
  role?: string;
  /** kubectl-style status (Running, Pending, CrashLoopBackOff, ...). */
  phase: string;
  /** GPUs requested. */
  gpus: number;
  /** Node, when bound. */
  node?: string;
}

/** A node in the tree. */
export interface NodeView {
  /** Node name. */
  name: string;
  /** Allocatable GPUs. */
  allocatable: number;
  /** GPUs allocated by all non-terminated pods. */
  allocated: number;
  /** Of those, by the selected workloads' pods. */
  allocatedBySelection: number;
  /** Of those, by other pods. */
  allocatedByOthers: number;
  /** Free GPUs. */
  free: number;
  /** Largest free block: free GPUs if schedulable, else 0. */
  largestFreeBlock: number;
  /** Cordoned. */
  cordoned: boolean;
  /** Ready. */
  ready: boolean;
  /** False when the node reports no `nvidia.com/gpu` and no DRA GPU devices. */
  hasGpuResource: boolean;
  /** Where its GPU figures come from (`extended-resource`, `dra`, `both`, `none`). */
  gpuSource?: GpuSource;
  /** False when the node could not be read (listing nodes forbidden): only the name is known. */
  readable: boolean;
  /** The selection's pods on this node. */
  pods: PodPlacement[];
}

/** A domain in the tree. */
export interface DomainView {
  /** Level domain name (`rack`). */
  level: string;
  /** Label value. */
  value: string;
  /** Unique path id (`zone-a/rack-a1`). */
  id: string;
  /** Placement label of the selection's gangs in this domain (only where it has pods). */
  label?: PlacementLabel;
  /** Allocatable GPUs. */
  allocatable: number;
  /** Allocated GPUs. */
  allocated: number;
  /** Allocated by the selection. */
  allocatedBySelection: number;
  /** Free GPUs on schedulable nodes. */
  free: number;
  /** Largest free block on one schedulable node. */
  largestFreeBlock: number;
  /** Number of nodes. */
  nodeCount: number;
  /** Sub-domains. */
  children: DomainView[];
  /** Nodes (at the deepest level; in the workload view only those hosting its pods). */
  nodes: NodeView[];
}

/** A problem with a gang's placement and what to do. */
export interface PlacementWarning {
  /** PodGang. */
  gang: string;
  /** Namespace. */
  namespace: string;
  /** `spans-required`, `spans-preferred`, `unscheduled` (pods waiting for room), `low-score`. */
  kind: "spans-required" | "spans-preferred" | "unscheduled" | "low-score";
  /** What is wrong. */
  message: string;
  /** A concrete next step. */
  recommendation: string;
  /** Domains that could host the gang, best first (label values). */
  candidates: string[];
}

/** Placement of one PodCliqueSet. */
export interface PcsPlacement {
  /** Name. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Lowest placement score of its gangs, when any has one. */
  placementScore?: number;
  /** Gangs. */
  gangs: GangPlacement[];
}

/** Cluster capacity (`--cluster`). */
export interface ClusterCapacity {
  /** Allocatable GPUs. */
  totalGpus: number;
  /** Allocated GPUs. */
  allocatedGpus: number;
  /** Free GPUs on schedulable nodes. */
  freeGpus: number;
  /** Free GPUs on cordoned or NotReady nodes. */
  unavailableGpus: number;
  /** Nodes with GPUs. */
  gpuNodes: number;
  /** Nodes without an `nvidia.com/gpu` resource. */
  nodesWithoutGpus: number;
  /** How many pods of each size still fit. */
  fits: { gpus: number; pods: number }[];
  /** Free GPUs that cannot host the largest pod shape in use. */
  fragmentation: Fragmentation;
  /** Free GPUs per domain (every level, depth first). */
  domains: { id: string; level: string; free: number; largestFreeBlock: number; nodes: number }[];
}

/** The answer of `topology` (`-o json`). */
export interface TopologyReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `TopologyReport`. */
  kind: "TopologyReport";
  /** When it was built. */
  generatedAt: string;
  /** The topology. */
  topology: {
    /** Object name (absent for inferred levels). */
    name?: string;
    /** Source of the levels. */
    source: TopologySource | "unavailable";
    /** Levels, broadest first. */
    levels: TopologyLevel[];
    /** Level keys no node carries. */
    missingKeys: string[];
    /** False when nodes could not be listed: no domains, capacity or free GPUs. */
    nodesReadable: boolean;
    /**
     * The binding's `spec.schedulerTopologyBindings`: which scheduler
     * backend topology it is bound to, with the status' sync verdict.
     */
    schedulerBindings: SchedulerBindingView[];
    /** The binding's `SchedulerTopologyDrift` condition, when True. */
    drift?: { reason?: string; message?: string; since?: string };
  };
  /** Workloads shown. */
  podCliqueSets: PcsPlacement[];
  /** Domain tree (empty without domain levels or nodes). */
  domains: DomainView[];
  /** Nodes outside any domain level (when the topology has only a host level). */
  nodes: NodeView[];
  /** The selection's pods not bound to a node. */
  unscheduledPods: PodPlacement[];
  /** The selection's pods bound to nodes that do not exist. */
  podsOnMissingNodes: PodPlacement[];
  /** Cluster capacity (with `--cluster`). */
  cluster?: ClusterCapacity;
  /** Placement warnings with recommendations. */
  warnings: PlacementWarning[];
  /** Remarks: fallbacks, missing data. */
  notes: string[];
}

/** Default placement score threshold. */
export const LOW_SCORE_DEFAULT = 0.7;

/** Pod sizes `--cluster` counts. */
export const FIT_SHAPES = [1, 2, 4, 8];

function selectedPcs(objects: TopologyObjects, opts: TopologyReportOptions): PodCliqueSet[] {
  if (opts.pcs) {
    const found = objects.podCliqueSets.filter((p) => p.metadata.name === opts.pcs);
    if (found.length === 0) {
      const where = objects.namespace ? ` in namespace "${objects.namespace}"` : "";
      throw new GroveError(`podcliqueset "${opts.pcs}" not found${where}`, {
        hint: `list them with: kubectl get podcliquesets${
          objects.namespace ? ` -n ${objects.namespace}` : " -A"
        }`,
      });
    }
    return found;
  }
  if (opts.cluster) return [];
  return [...objects.podCliqueSets].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
      `${b.metadata.namespace}/${b.metadata.name}`,
    )
  );
}

function keyForDomain(levels: TopologyLevel[], domain: string | undefined): string | undefined {
  if (!domain) return undefined;
  const l = levels.find((x) => x.domain === domain);
  if (l) return l.key;
  if (domain === "host") return HOST_KEY;
  return undefined;
}

/** Resolves a gang's pack constraint to keys: the PodGang's own, else the PCS template's (by domain name). */
export function resolvePack(
  gang: PodGang | undefined,
  pcs: PodCliqueSet | undefined,
  levels: TopologyLevel[],
): ResolvedPack {
  const pc = gang?.spec?.topologyConstraint?.packConstraint;
  if (pc?.required || pc?.preferred) {
    return {
      requiredKey: pc.required,
      required: pc.required ? domainNameForKey(levels, pc.required) : undefined,
      preferredKey: pc.preferred,
      preferred: pc.preferred ? domainNameForKey(levels, pc.preferred) : undefined,
      source: "PodGang",
    };
  }
  const tc = pcs?.spec?.template?.topologyConstraint;
  const pack: TopologyPack | undefined = packDomains(tc);
  if (pack?.required || pack?.preferred) {
    return {
      requiredKey: keyForDomain(levels, pack.required),
      required: pack.required,
      preferredKey: keyForDomain(levels, pack.preferred),
      preferred: pack.preferred,
      source: "PodCliqueSet",
    };
  }
  return { source: "none" };
}

function labelFor(n: number): PlacementLabel {
  return n <= 1 ? "optimal" : n === 2 ? "split" : "fragmented";
}

const WORST: Record<PlacementLabel, number> = { optimal: 0, split: 1, fragmented: 2 };

function plural(n: number, word: string): string {
  if (n === 1) return `${n} ${word}`;
  return `${n} ${word === "host" ? "hosts" : word.endsWith("s") ? word : `${word}s`}`;
}

/** The pods of the selection, by gang and by node. */
interface Selection {
  /** Every pod of the selected PodCliqueSets (not terminated), by name. */
  pods: PodPlacement[];
  /** By `namespace/gang`. */
  byGang: Map<string, PodPlacement[]>;
  /** By node name. */
  byNode: Map<string, PodPlacement[]>;
}

/** The cluster as the steps see it: topology levels, the GPU model, domains of nodes. */
interface ClusterModel {
  objects: TopologyObjects;
  resolved: ReturnType<typeof resolveTopology> | undefined;
  levels: TopologyLevel[];
  model: ReturnType<typeof nodeGpuStates>;
  /** GPUs of a pod: the extended resource plus DRA-allocated devices. */
  podGpuCount: (p: Pod) => number;
  nodeByName: Map<string, NodeGpuState>;
  /** The value of label `key` of a node (the node's name for the host level). */
  valueOf: (node: string, key: string) => string | undefined;
  /** Whether a node's domains are known (always, when nodes cannot be read). */
  onKnownNode: (node: string) => boolean;
}

const pcsKey = (ns: string | undefined, name: string) => `${ns ?? ""}/${name}`;

/**
 * Builds the topology report. Throws a {@link GroveError} when `opts.pcs`
 * names a PodCliqueSet that is not among the objects.
 *
 * @example
 * ```ts ignore
 * import { buildTopologyReport } from "./report.ts";
 * const report = buildTopologyReport(objects, { now: new Date(), pcs: "qwen" });
 * report.podCliqueSets[0].gangs[0].placement; // "optimal"
 * ```
 */
export function buildTopologyReport(
  objects: TopologyObjects,
  opts: TopologyReportOptions,
): TopologyReport {
  const now = typeof opts.now === "number" ? new Date(opts.now) : opts.now;
  const notes = [...objects.missing];
  const pcsList = selectedPcs(objects, opts);
  const cm = clusterModel(objects, pcsList, notes);
  const selection = selectionOf(objects, pcsList, cm.podGpuCount);
  const { pcsOut, gangInfo, warnings } = placeGangs(
    cm,
    pcsList,
    selection,
    opts.lowScore ?? LOW_SCORE_DEFAULT,
  );
  const { domains, nodes, tree } = domainViews(cm, selection, gangInfo, opts.cluster === true);
  const { unscheduledPods, podsOnMissingNodes } = strayPods(cm, selection, notes);
  const cluster = opts.cluster && !objects.nodesForbidden ? clusterCapacity(cm, tree) : undefined;
  const { resolved, levels } = cm;
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "TopologyReport",
    generatedAt: rfc3339(now),
    topology: {
      name: resolved?.name,
      source: resolved?.source ?? "unavailable",
      levels,
      missingKeys: resolved?.missingKeys ?? [],
      nodesReadable: !objects.nodesForbidden,
      ...bindingView(
        objects.bindings,
        resolved?.source === "ClusterTopologyBinding" ? resolved.name : undefined,
      ),
    },
    podCliqueSets: pcsOut,
    domains,
    nodes,
    unscheduledPods,
    podsOnMissingNodes,
    cluster,
    warnings,
    notes,
  };
}

/**
 * The topology levels (binding, legacy ClusterTopology or well-known node
 * labels) and the GPU model of the nodes, with notes on what is missing.
 */
function clusterModel(
  objects: TopologyObjects,
  pcsList: PodCliqueSet[],
  notes: string[],
): ClusterModel {
  const preferredName = pcsList.map((p) => p.spec?.template?.topologyConstraint?.topologyName)
    .find(Boolean) ??
    objects.podGangs.map((g) => g.metadata.annotations?.[AnnotationKeys.topologyName]).find(
      Boolean,
    );
  const resolved = objects.nodesForbidden && !objects.bindings.length && !objects.legacy.length
    ? undefined
    : resolveTopology({
      bindings: objects.bindings,
      legacy: objects.legacy,
      nodes: objects.nodes,
      preferredName,
    });
  if (resolved) {
    notes.push(
      ...resolved.notes.filter((n) => !objects.nodesForbidden || !/no node carries/.test(n)),
    );
  }
  const levels = resolved?.levels ?? [];
  const dra = draGpuIndex(objects.resourceClaims ?? [], objects.resourceSlices ?? [], objects.pods);
  const model = nodeGpuStates(objects.nodes, objects.pods, levels, dra);
  const podGpuCount = (p: Pod) => podGpus(p) + podDraGpus(dra, p);
  const nodeByName = new Map(model.nodes.map((n) => [n.name, n]));
  const viaDra = model.nodes.filter((n) => n.source === "dra" || n.source === "both").length;
  if (viaDra) {
    notes.push(
      `GPUs of ${
        plural(viaDra, "node")
      } counted from DRA (ResourceSlices for capacity, ResourceClaims for allocation)${
        model.nodes.some((n) => n.source === "extended-resource" || n.source === "both")
          ? "; the others' from nvidia.com/gpu"
          : ""
      }`,
    );
  }
  if (objects.nodes.length && !model.nodes.some((n) => n.hasGpuResource)) {
    notes.push(
      "no node reports an nvidia.com/gpu resource or DRA GPU devices: is the NVIDIA device plugin, DRA driver or GPU operator running?",
    );
  } else {
    const noGpu = model.nodes.filter((n) => !n.hasGpuResource).length;
    if (noGpu) {
      notes.push(
        `${
          plural(noGpu, "node")
        } without an nvidia.com/gpu resource or DRA GPU devices (shown as "no GPUs")`,
      );
    }
  }
  const valueOf = (node: string, key: string): string | undefined => {
    const st = nodeByName.get(node);
    if (st) return nodeStateValue(st, key);
    return key === HOST_KEY ? node : undefined;
  };
  const onKnownNode = (node: string) => objects.nodesForbidden || nodeByName.has(node);
  return { objects, resolved, levels, model, podGpuCount, nodeByName, valueOf, onKnownNode };
}

/** The pods of the selected PodCliqueSets, by gang and by node. */
function selectionOf(
  objects: TopologyObjects,
  pcsList: PodCliqueSet[],
  podGpuCount: (p: Pod) => number,
): Selection {
  const pcsByKey = new Map(pcsList.map((p) => [pcsKey(p.metadata.namespace, p.metadata.name), p]));
  const selectionPods: PodPlacement[] = [];
  const podsByGang = new Map<string, PodPlacement[]>();
  const selectionByNode = new Map<string, PodPlacement[]>();
  for (const p of objects.pods) {
    if (isPodTerminated(p)) continue;
    const ref = podRef(p);
    if (!ref) continue;
    const owner = pcsByKey.get(pcsKey(p.metadata.namespace, ref.pcs));
    if (!owner) continue;
    const tpl = owner.spec?.template?.cliques?.find((c) => c.name === ref.cliqueTemplate);
    const pp: PodPlacement = {
      name: p.metadata.name,
      namespace: p.metadata.namespace ?? "",
      pcs: ref.pcs,
      gang: ref.gang,
      clique: ref.clique,
      cliqueTemplate: ref.cliqueTemplate,
      role: tpl?.spec?.roleName ?? ref.cliqueTemplate,
      phase: podDisplayStatus(p as Pod),
      gpus: podGpuCount(p),
      node: p.spec?.nodeName || undefined,
    };
    selectionPods.push(pp);
    if (pp.gang) {
      const k = pcsKey(pp.namespace, pp.gang);
      podsByGang.set(k, [...(podsByGang.get(k) ?? []), pp]);
    }
    if (pp.node) selectionByNode.set(pp.node, [...(selectionByNode.get(pp.node) ?? []), pp]);
  }
  selectionPods.sort((a, b) => a.name.localeCompare(b.name));
  return { pods: selectionPods, byGang: podsByGang, byNode: selectionByNode };
}

/**
 * Per PodCliqueSet its gangs (PodGang objects, and gangs only pods name):
 * pack constraints, spans per level, the placement label, and warnings.
 */
function placeGangs(
  cm: ClusterModel,
  pcsList: PodCliqueSet[],
  selection: Selection,
  lowScore: number,
): { pcsOut: PcsPlacement[]; gangInfo: Map<string, GangPlacement>; warnings: PlacementWarning[] } {
  const { objects, levels, model, valueOf, onKnownNode } = cm;
  const { pods: selectionPods, byGang: podsByGang } = selection;
  const gangLevels: TopologyLevel[] = objects.nodesForbidden
    ? [{ domain: "host", key: HOST_KEY }]
    : levels.some((l) => l.key === HOST_KEY)
    ? levels
    : [...levels, { domain: "host", key: HOST_KEY }];
  const warnings: PlacementWarning[] = [];
  const pcsOut: PcsPlacement[] = [];
  const gangInfo = new Map<string, GangPlacement>();
  for (const pcs of pcsList) {
    const ns = pcs.metadata.namespace ?? "";
    const gangs = objects.podGangs
      .filter((g) =>
        (g.metadata.namespace ?? "") === ns &&
        (g.metadata.labels?.[LabelKeys.partOf] === pcs.metadata.name ||
          g.metadata.ownerReferences?.some((o) =>
            o.kind === "PodCliqueSet" && o.name === pcs.metadata.name
          ))
      )
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }));
    const gangNames = new Set(gangs.map((g) => g.metadata.name));
    // Gangs named by pods but without a PodGang object still get a line.
    for (const pp of selectionPods) {
      if (
        pp.pcs === pcs.metadata.name && pp.namespace === ns && pp.gang && !gangNames.has(pp.gang)
      ) {
        gangNames.add(pp.gang);
        gangs.push({ metadata: { name: pp.gang, namespace: ns }, spec: { podgroups: [] } });
      }
    }
    const out: GangPlacement[] = [];
    for (const g of gangs) {
      const pods = podsByGang.get(pcsKey(ns, g.metadata.name)) ?? [];
      const pack = resolvePack(g, pcs, levels);
      const scheduled = pods.filter((p) => p.node);
      // Pods bound to a node that no longer exists have no domain: they do not count in spans.
      const placed = scheduled.filter((p) => onKnownNode(p.node!));
      const spans: GangSpan[] = gangLevels.map((l) => ({
        level: l.domain,
        key: l.key,
        domains: [...new Set(placed.map((p) => valueOf(p.node!, l.key) ?? "<none>"))].sort(),
      }));
      const packKey = narrowestPackKey(pack, levels);
      // Without nodes only the host level is known: a wider pack level cannot be judged.
      const judgeable = packKey !== undefined && (!objects.nodesForbidden || packKey === HOST_KEY);
      const packSpan = judgeable && placed.length
        ? spanAt(spans, packKey, placed, valueOf)
        : undefined;
      const gp: GangPlacement = {
        name: g.metadata.name,
        namespace: ns,
        pcs: pcs.metadata.name,
        phase: g.status?.phase ?? "Unknown",
        placementScore: typeof g.status?.placementScore === "number"
          ? g.status.placementScore
          : undefined,
        pack,
        pods: pods.length,
        scheduledPods: scheduled.length,
        gpus: pods.reduce((s, p) => s + p.gpus, 0),
        shapes: pods.map((p) => p.gpus).filter((x) => x > 0).sort((a, b) => b - a),
        spans,
        placement: packSpan ? labelFor(packSpan.length) : undefined,
      };
      out.push(gp);
      gangInfo.set(pcsKey(ns, gp.name), gp);
      if (!objects.nodesForbidden) {
        warnings.push(
          ...gangWarnings(gp, pods, model.nodes, levels, lowScore, valueOf, onKnownNode),
        );
      }
    }
    const scores = out.map((g) => g.placementScore).filter((s): s is number => s !== undefined);
    pcsOut.push({
      name: pcs.metadata.name,
      namespace: ns,
      placementScore: scores.length ? Math.min(...scores) : undefined,
      gangs: out,
    });
  }
  return { pcsOut, gangInfo, warnings };
}

/**
 * The domain tree with the nodes that host the selection (every node with
 * `--cluster`), or a flat node list without topology levels; without nodes
 * (forbidden), the selection's pods by node name.
 */
function domainViews(
  cm: ClusterModel,
  selection: Selection,
  gangInfo: Map<string, GangPlacement>,
  showAll: boolean,
): { domains: DomainView[]; nodes: NodeView[]; tree: DomainNode[] } {
  const { objects, levels, model, nodeByName, valueOf } = cm;
  const selectionByNode = selection.byNode;
  const selectionGpusOn = (node: string) =>
    (selectionByNode.get(node) ?? []).reduce((s, p) => s + p.gpus, 0);
  const nodeView = (n: NodeGpuState): NodeView => {
    const mine = selectionGpusOn(n.name);
    return {
      name: n.name,
      allocatable: n.allocatable,
      allocated: n.allocated,
      allocatedBySelection: mine,
      allocatedByOthers: Math.max(0, n.allocated - mine),
      free: n.free,
      largestFreeBlock: n.schedulable ? n.free : 0,
      cordoned: n.cordoned,
      ready: n.ready,
      hasGpuResource: n.hasGpuResource,
      gpuSource: n.source,
      readable: true,
      pods: selectionByNode.get(n.name) ?? [],
    };
  };
  const keepNode = (name: string) => showAll || selectionByNode.has(name);
  const tree = buildDomainTree(model.nodes, levels);
  const dl = domainLevels(levels);
  const toView = (d: DomainNode, depth: number): DomainView | undefined => {
    if (!d.allNodes.some(keepNode)) return undefined;
    const children = d.children.map((c) => toView(c, depth + 1)).filter((c): c is DomainView =>
      c !== undefined
    );
    const hosted = d.allNodes.flatMap((n) => selectionByNode.get(n) ?? []);
    return {
      level: d.level,
      value: d.value,
      id: d.id,
      label: hosted.length
        ? domainLabel(d, depth, hosted, gangInfo, dl, levels, valueOf)
        : undefined,
      allocatable: d.allocatable,
      allocated: d.allocated,
      allocatedBySelection: hosted.reduce((s, p) => s + p.gpus, 0),
      free: d.schedulableFree,
      largestFreeBlock: d.largestFreeBlock,
      nodeCount: d.allNodes.length,
      children,
      nodes: d.nodes.filter(keepNode).map((n) => nodeView(nodeByName.get(n)!)),
    };
  };
  const domains = tree.map((d) => toView(d, 0)).filter((d): d is DomainView => d !== undefined);
  const flatNodes = dl.length === 0
    ? model.nodes.filter((n) => keepNode(n.name)).map(nodeView)
    : [];
  // Without nodes (forbidden), show the selection's pods by node name.
  if (objects.nodesForbidden) {
    for (const [name, pods] of [...selectionByNode].sort((a, b) => a[0].localeCompare(b[0]))) {
      flatNodes.push({
        name,
        allocatable: 0,
        allocated: 0,
        allocatedBySelection: pods.reduce((s, p) => s + p.gpus, 0),
        allocatedByOthers: 0,
        free: 0,
        largestFreeBlock: 0,
        cordoned: false,
        ready: true,
        hasGpuResource: false,
        readable: false,
        pods,
      });
    }
  }
  return { domains, nodes: flatNodes, tree };
}

/** Pods not scheduled yet, and pods bound to nodes that no longer exist (with a note). */
function strayPods(
  cm: ClusterModel,
  selection: Selection,
  notes: string[],
): { unscheduledPods: PodPlacement[]; podsOnMissingNodes: PodPlacement[] } {
  const { objects, model, nodeByName } = cm;
  const selectionPods = selection.pods;
  const unscheduledPods = selectionPods.filter((p) => !p.node);
  const podsOnMissingNodes = objects.nodesForbidden
    ? []
    : selectionPods.filter((p) => p.node && !nodeByName.has(p.node));
  if (!objects.nodesForbidden && model.orphanPods.length) {
    const names = [...new Set(model.orphanPods.map((o) => o.nodeName))].sort();
    notes.push(
      `${plural(model.orphanPods.length, "pod")} bound to node${
        names.length > 1 ? "s" : ""
      } that no longer exist${names.length > 1 ? "" : "s"} (${names.slice(0, 5).join(", ")}${
        names.length > 5 ? ", ..." : ""
      }): their GPUs are not counted; the pods should be deleted and rescheduled`,
    );
  }
  return { unscheduledPods, podsOnMissingNodes };
}

/** `--cluster`: totals, how many pods of each shape fit, fragmentation, free GPUs per domain. */
function clusterCapacity(cm: ClusterModel, tree: DomainNode[]): ClusterCapacity {
  const { objects, model } = cm;
  const largestShape = objects.pods.reduce(
    (m, p) => (isPodTerminated(p) ? m : Math.max(m, cm.podGpuCount(p))),
    0,
  );
  const shapes = [...new Set([...FIT_SHAPES, ...(largestShape > 8 ? [largestShape] : [])])];
  return {
    totalGpus: model.nodes.reduce((s, n) => s + n.allocatable, 0),
    allocatedGpus: model.nodes.reduce((s, n) => s + Math.min(n.allocated, n.allocatable), 0),
    freeGpus: model.nodes.reduce((s, n) => s + (n.schedulable ? n.free : 0), 0),
    unavailableGpus: model.nodes.reduce((s, n) => s + (n.schedulable ? 0 : n.free), 0),
    gpuNodes: model.nodes.filter((n) => n.allocatable > 0).length,
    nodesWithoutGpus: model.nodes.filter((n) => !n.hasGpuResource).length,
    fits: shapes.map((g) => ({ gpus: g, pods: podsThatFit(model.nodes, g) })),
    fragmentation: fragmentation(model.nodes, largestShape),
    domains: flattenDomains(tree).map((d) => ({
      id: d.id,
      level: d.level,
      free: d.schedulableFree,
      largestFreeBlock: d.largestFreeBlock,
      nodes: d.allNodes.length,
    })),
  };
}

/** The narrower of a pack's required and preferred keys (host is the narrowest). */
export function narrowestPackKey(pack: ResolvedPack, levels: TopologyLevel[]): string | undefined {
  const idx = (k: string) => (k === HOST_KEY ? levels.length + 1 : levelIndex(levels, k));
  const keys = [pack.requiredKey, pack.preferredKey].filter((k): k is string => Boolean(k));
  if (keys.length === 0) return undefined;
  return keys.reduce((a, b) => (idx(b) > idx(a) ? b : a));
}

function spanAt(
  spans: GangSpan[],
  key: string,
  scheduled: PodPlacement[],
  valueOf: (node: string, key: string) => string | undefined,
): string[] {
  const s = spans.find((x) => x.key === key);
  if (s) return s.domains;
  return [...new Set(scheduled.map((p) => valueOf(p.node!, key) ?? "<none>"))].sort();
}

/**
 * Label of a domain at `depth` (index among domain levels): for each gang
 * with pods here whose pack level is this level or narrower, how many
 * domains of this level the gang spans; the worst wins.
 */
function domainLabel(
  d: DomainNode,
  _depth: number,
  hosted: PodPlacement[],
  gangs: Map<string, GangPlacement>,
  _dl: TopologyLevel[],
  levels: TopologyLevel[],
  valueOf: (node: string, key: string) => string | undefined,
): PlacementLabel {
  let worst: PlacementLabel = "optimal";
  const here = levelIndex(levels, d.key);
  const seen = new Set<string>();
  for (const p of hosted) {
    if (!p.gang) continue;
    const k = `${p.namespace}/${p.gang}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const g = gangs.get(k);
    const packKey = g ? narrowestPackKey(g.pack, levels) : undefined;
    if (!g || !packKey) continue;
    const packIdx = packKey === HOST_KEY ? levels.length : levelIndex(levels, packKey);
    if (packIdx < 0 || here > packIdx) continue;
    const n = g.spans.find((s) => s.key === d.key)?.domains.length ??
      new Set(hosted.filter((x) => x.gang === g.name).map((x) => valueOf(x.node!, d.key))).size;
    const l = labelFor(n);
    if (WORST[l] > WORST[worst]) worst = l;
  }
  return worst;
}

function gangWarnings(
  g: GangPlacement,
  pods: PodPlacement[],
  nodes: NodeGpuState[],
  levels: TopologyLevel[],
  lowScore: number,
  valueOf: (node: string, key: string) => string | undefined,
  onKnownNode: (node: string) => boolean,
): PlacementWarning[] {
  const out: PlacementWarning[] = [];
  const scheduled = pods.filter((p) => p.node && onKnownNode(p.node));
  const check = (key: string | undefined, kind: "spans-required" | "spans-preferred") => {
    if (!key) return false;
    const vals = spanAt(g.spans, key, scheduled, valueOf);
    if (vals.length <= 1) return false;
    const dom = domainNameForKey(levels, key);
    const verb = kind === "spans-required" ? "requires" : "prefers";
    const rec = recommend(g, pods, nodes, levels, key);
    out.push({
      gang: g.name,
      namespace: g.namespace,
      kind,
      message: `gang ${g.name} spans ${plural(vals.length, dom)} (${vals.slice(0, 6).join(", ")}${
        vals.length > 6 ? ", ..." : ""
      }) but its pack constraint ${verb} one ${dom}`,
      recommendation: rec.text,
      candidates: rec.candidates,
    });
    return true;
  };
  const req = check(g.pack.requiredKey, "spans-required");
  const pref = !req && g.pack.preferredKey && g.pack.preferredKey !== g.pack.requiredKey
    ? check(g.pack.preferredKey, "spans-preferred")
    : false;
  const unscheduled = pods.filter((p) => !p.node && p.gpus > 0);
  if (unscheduled.length && !req && !pref) {
    const key = g.pack.requiredKey ?? g.pack.preferredKey ?? domainLevels(levels).at(-1)?.key ??
      HOST_KEY;
    const rec = recommend(g, pods, nodes, levels, key);
    out.push({
      gang: g.name,
      namespace: g.namespace,
      kind: "unscheduled",
      message: `gang ${g.name} has ${plural(unscheduled.length, "pod")} not scheduled (${
        unscheduled.reduce((s, p) => s + p.gpus, 0)
      } GPUs)`,
      recommendation: rec.text,
      candidates: rec.candidates,
    });
    return out;
  }
  if (g.placementScore !== undefined && g.placementScore < lowScore && !req && !pref) {
    // Suggest packing tighter: the preferred level, else the level below the required one.
    const key = g.pack.preferredKey ?? narrowerKey(levels, g.pack.requiredKey) ??
      domainLevels(levels).at(-1)?.key ?? HOST_KEY;
    const rec = recommend(g, pods, nodes, levels, key);
    out.push({
      gang: g.name,
      namespace: g.namespace,
      kind: "low-score",
      message: `gang ${g.name} has a low placement score ${g.placementScore.toFixed(2)} (below ${
        lowScore.toFixed(2)
      })`,
      recommendation: rec.text,
      candidates: rec.candidates,
    });
  }
  return out;
}

function narrowerKey(levels: TopologyLevel[], key: string | undefined): string | undefined {
  if (!key) return undefined;
  const dl = domainLevels(levels);
  const i = dl.findIndex((l) => l.key === key);
  return i >= 0 && i + 1 < dl.length ? dl[i + 1].key : undefined;
}

function describeShapes(shapes: number[]): string {
  const counts = new Map<number, number>();
  for (const s of shapes) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n}x${s}`).join(" + ");
}

/**
 * Which domain of `key` could host the whole gang, counting its own GPUs as
 * released; or why none can.
 */
function recommend(
  g: GangPlacement,
  pods: PodPlacement[],
  nodes: NodeGpuState[],
  levels: TopologyLevel[],
  key: string,
): { text: string; candidates: string[] } {
  const dom = domainNameForKey(levels, key);
  if (g.shapes.length === 0) {
    return {
      text: `its pods request no GPUs; any ${dom} with room for its pods can host it`,
      candidates: [],
    };
  }
  const release = new Map<string, number>();
  for (const p of pods) if (p.node) release.set(p.node, (release.get(p.node) ?? 0) + p.gpus);
  const ranked: DomainFit[] = rankDomainsForShapes(nodes, key, g.shapes, { release });
  const need = `${g.gpus} GPUs as ${describeShapes(g.shapes)}`;
  // Among the domains that fit, prefer the one already holding most of the
  // gang (fewest pods to move), then the tightest fit.
  const domainOf = (node: string) => {
    const n = nodes.find((x) => x.name === node);
    return n ? nodeStateValue(n, key) : undefined;
  };
  const ownIn = (domain: string) =>
    pods.filter((p) => p.node && domainOf(p.node) === domain).reduce((s, p) => s + p.gpus, 0);
  const fitting = ranked.filter((r) => r.fits)
    .map((r) => ({ ...r, own: ownIn(r.domain) }))
    .sort((a, b) => b.own - a.own || a.leftover - b.leftover || a.domain.localeCompare(b.domain));
  if (fitting.length) {
    const best = fitting.slice(0, 3);
    const outside = pods.filter((p) => !p.node || domainOf(p.node) !== best[0].domain);
    if (outside.length === 0) {
      // Already whole in that domain (a low score): nothing to move at this level.
      return {
        text: `it already runs whole in ${dom} ${
          best[0].domain
        }, so moving pods between ${dom}s will not raise its score; the score reflects placement inside ${dom} ${
          best[0].domain
        } (see its nodes above) or the scheduler's own weighting`,
        candidates: fitting.map((r) => r.domain),
      };
    }
    return {
      text: `${dom} ${best[0].domain} could host it whole (needs ${need}; ${
        best[0].free
      } GPUs free there counting the ${best[0].own} it already uses)${
        best.length > 1 ? `; also ${best.slice(1).map((b) => b.domain).join(", ")}` : ""
      }: delete its ${plural(outside.length, "pod")} outside ${dom} ${
        best[0].domain
      } so the scheduler re-places ${
        outside.length === 1 ? "it" : "them"
      } there, or free capacity in one ${dom}`,
      candidates: fitting.map((r) => r.domain),
    };
  }
  if (ranked.length === 0) {
    return {
      text: `no node carries the ${dom} label ${key}, so no ${dom} can be chosen: label the nodes`,
      candidates: [],
    };
  }
  // Could it ever fit here, on empty nodes, every node usable?
  const empty = nodes.map((n) => ({ ...n, allocated: 0, free: n.allocatable, schedulable: true }));
  const ever = rankDomainsForShapes(empty, key, g.shapes);
  if (!ever.some((r) => r.fits)) {
    const most = ever.reduce((m, r) => Math.max(m, r.free), 0);
    const largestNode = nodes.reduce((m, n) => Math.max(m, n.allocatable), 0);
    const limit = `the largest ${dom} has ${most} GPUs${
      dom === "host" ? "" : ` and the largest node ${largestNode}`
    }`;
    return {
      text: key === g.pack.requiredKey
        ? `it can never fit on these nodes: its required ${dom} packing needs ${need} in one ${dom}; ${limit}; relax the constraint (preferred instead of required, or a wider level) or add larger nodes`
        : `no ${dom} of these nodes can ever hold it whole (needs ${need}; ${limit}): with preferred packing it stays spread, which is the best these nodes allow`,
      candidates: [],
    };
  }
  // The cheapest way out: uncordon one cordoned (Ready) node.
  const cordoned = nodes.filter((n) => n.cordoned && n.ready && n.free > 0)
    .sort((a, b) => b.free - a.free || a.name.localeCompare(b.name));
  for (const n of cordoned) {
    const trial = nodes.map((x) =>
      x.name === n.name ? { ...x, cordoned: false, schedulable: true } : x
    );
    const fit = rankDomainsForShapes(trial, key, g.shapes, { release }).find((r) => r.fits);
    if (fit) {
      return {
        text:
          `no ${dom} can host it now (needs ${need}); cheapest way out: uncordon ${n.name} (${n.free} GPUs free there), then ${dom} ${fit.domain} can host it whole: kubectl uncordon ${n.name}`,
        candidates: [fit.domain],
      };
    }
  }
  const top = ranked[0];
  const unavailable = nodes.filter((n) => !n.schedulable).reduce((s, n) => s + n.free, 0);
  const why = top.free < g.gpus
    ? `the most free is ${top.free} GPUs in ${dom} ${top.domain} (counting the gang's own)`
    : `${dom} ${top.domain} has ${top.free} free GPUs but its largest free block is ${top.largestBlock}, too small for the ${
      g.shapes[0]
    }-GPU pods`;
  return {
    text: `no ${dom} can host it (needs ${need}): ${why}${
      unavailable ? `; ${unavailable} free GPUs sit on cordoned or NotReady nodes` : ""
    }; free GPUs in one ${dom} or add nodes`,
    candidates: [],
  };
}
