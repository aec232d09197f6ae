/**
 * `planScale`: the pure heart of `kubectl grove scale`. From the objects of a
 * PodCliqueSet and the cluster's nodes it works out the target of every role
 * (proportional distribution by largest remainder for `--replicas`), which
 * API object Grove scales for it, the GPU impact, a placement analysis of
 * the new pods, the pods that would go, and what must be refused without
 * `--force`.
 *
 * @module
 */

import { UsageError } from "../../lib/errors.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import { baseGangName, scaledGangName } from "../../lib/grove/names.ts";
import { podGpus, podRef, terminationDelayMs } from "../../lib/grove/relations.ts";
import type {
  ClusterTopology,
  ClusterTopologyBinding,
  Node,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodGang,
} from "../../lib/grove/types.ts";
import { formatGoDuration } from "../../lib/grove/duration.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import {
  draGpuIndex,
  nodeGpuStates,
  nodeStateValue,
  podDraGpus,
  resolveTopology,
  type ResourceClaim,
  type ResourceSlice,
} from "../../lib/topology/mod.ts";
import { strategyInfo } from "../../lib/grove/strategy.ts";
import { packDomains } from "../../lib/grove/pack.ts";
import { describeRounding, largestRemainder, type Share } from "./distribute.ts";
import {
  analysePlacement,
  keyForDomain,
  narrowestKey,
  type PlacementAnalysis,
  type PlacementUnit,
} from "./placement.ts";
import { findRole, type ScalableRole, scalableRoles } from "./roles.ts";

/** The objects `planScale` reads (see `collectScale`). */
export interface ScaleInput {
  /** The PodCliqueSet. */
  pcs: PodCliqueSet;
  /** Its PodCliques. */
  cliques: PodClique[];
  /** Its PodCliqueScalingGroups. */
  groups: PodCliqueScalingGroup[];
  /** Its PodGangs. */
  gangs: PodGang[];
  /** Its pods. */
  pods: Pod[];
  /** Every node. */
  nodes: Node[];
  /** Every non-terminated pod of the cluster (GPU allocation). */
  allPods: Pod[];
  /** ClusterTopologyBindings. */
  bindings?: ClusterTopologyBinding[];
  /** Legacy ClusterTopology objects. */
  legacy?: ClusterTopology[];
  /** DRA ResourceClaims (GPUs allocated through DRA). */
  resourceClaims?: ResourceClaim[];
  /** DRA ResourceSlices (GPU devices per node). */
  resourceSlices?: ResourceSlice[];
}

/** What the user asked for. Exactly one of `roles`, `replicas`, `setReplicas`. */
export interface ScaleRequest {
  /** Per role (name or clique name) targets. */
  roles?: { role: string; replicas: number }[];
  /** Total workers distributed over the worker roles in their current proportion. */
  replicas?: number;
  /** Replicas of the whole set (PCS `/scale`). */
  setReplicas?: number;
}

/** One role's change. */
export interface RoleChange {
  /** Role name (for the set: the set's name). */
  role: string;
  /** What scales. */
  kind: "clique" | "group" | "set";
  /** How Grove is asked, in words. */
  via: string;
  /** Replicas now (pods of a clique per set replica; group replicas; set replicas). */
  current: number;
  /** Replicas wanted. */
  target: number;
  /** minAvailable (undefined for the set). */
  minAvailable?: number;
  /** Pods per unit (1 for a clique). */
  podsPerUnit: number;
  /** GPUs per unit. */
  gpusPerUnit: number;
  /** Pod change over every set replica. */
  podsDelta: number;
  /** GPU change over every set replica. */
  gpusDelta: number;
}

/** One write the change needs, in the order it is made. */
export interface PlannedWrite {
  /** Kind of the object. */
  kind: "PodClique" | "PodCliqueScalingGroup" | "PodCliqueSet";
  /** Object name. */
  name: string;
  /** `/scale` subresource, or the PCS template field. */
  how: "scale" | "template";
  /** For template writes: the field, e.g. `spec.template.cliques[1].spec.replicas`. */
  field?: string;
  /** Value now. */
  current: number;
  /** Value wanted. */
  target: number;
  /** resourceVersion read (the write's precondition). */
  resourceVersion?: string;
}

/** How `--replicas` was split. */
export interface Rounding {
  /** The total asked for. */
  requested: number;
  /** Per worker role. */
  shares: Share[];
  /** A sentence on how it rounded. */
  summary: string;
}

/** The preview of a scale: everything shown before acting. */
export interface ScalePlan {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `ScalePlan`. */
  kind: "ScalePlan";
  /** PodCliqueSet. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Which request form. */
  mode: "roles" | "proportional" | "set";
  /** Set replicas now. */
  setReplicas: number;
  /** How `--replicas` rounded. */
  rounding?: Rounding;
  /** Per role. */
  changes: RoleChange[];
  /** The writes, in order. */
  writes: PlannedWrite[];
  /** GPU impact. */
  gpu: {
    /** GPUs added (negative: freed). */
    delta: number;
    /** Free GPUs on schedulable nodes now. */
    freeNow: number;
    /** Free GPUs after the change (if it all lands). */
    freeAfter: number;
    /** Free GPUs on cordoned or NotReady nodes, not usable. */
    unusable: number;
  };
  /** Placement of new pods (empty units on a scale-down). */
  placement: PlacementAnalysis;
  /** Pods expected to go on a scale-down (highest indices first). */
  removedPods: string[];
  /** New pods expected. */
  addedPods: number;
  /** Reasons the change needs `--force`. */
  refusals: string[];
  /** Things to know. */
  warnings: string[];
  /** Remarks (template updated, topology source, ...). */
  notes: string[];
  /** False when every target equals its current value. */
  changed: boolean;
}

function mostCommon(values: (string | undefined)[]): string | undefined {
  const c = new Map<string, number>();
  for (const v of values) if (v !== undefined) c.set(v, (c.get(v) ?? 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** What the phases of {@link planScale} add up. */
interface Tally {
  changes: RoleChange[];
  writes: PlannedWrite[];
  /** Placement units of the new pods. */
  units: PlacementUnit[];
  removedPods: string[];
  gpuDelta: number;
  addedPods: number;
  warnings: string[];
  notes: string[];
  refusals: string[];
}

/** The targets of a request: which form, how `--replicas` rounded, each role's target. */
interface Targets {
  mode: ScalePlan["mode"];
  rounding?: Rounding;
  targets: Map<ScalableRole, number>;
}

/**
 * Plans a scale of a PodCliqueSet. Pure: no I/O, no clock.
 *
 * @example
 * ```ts
 * import { planScale } from "./plan.ts";
 * const pcs = { metadata: { name: "demo", namespace: "ns" }, spec: { replicas: 1, template: {
 *   cliques: [{ name: "worker", spec: { roleName: "worker", replicas: 2, minAvailable: 1,
 *     podSpec: { containers: [{ name: "c", resources: { limits: { "nvidia.com/gpu": "2" } } }] } } }] } } };
 * const plan = planScale(
 *   { pcs, cliques: [], groups: [], gangs: [], pods: [], nodes: [], allPods: [] },
 *   { roles: [{ role: "worker", replicas: 3 }] },
 * );
 * plan.changes[0].gpusDelta; // 2
 * plan.refusals.length; // 1: no node has room for the new pod
 * ```
 */
export function planScale(input: ScaleInput, req: ScaleRequest): ScalePlan {
  const { pcs } = input;
  const name = pcs.metadata.name;
  checkRequest(name, req);
  const roles = scalableRoles(pcs, input.cliques, input.groups);
  const { mode, rounding, targets } = planTargets(name, roles, req);
  const tally: Tally = {
    changes: [],
    writes: [],
    units: [],
    removedPods: [],
    gpuDelta: 0,
    addedPods: 0,
    warnings: [],
    notes: [],
    refusals: [],
  };
  const where = placementContext(input, tally.notes);
  if (mode === "set") planSetReplicas(input, roles, req.setReplicas!, where, tally);
  else {
    for (const [role, target] of targets) planRole(input, role, target, where, tally);
    // The template writes of several roles go into one PCS write.
  }
  return finishPlan(input, mode, rounding, where, tally);
}

/** Usage errors: no form, several forms, a count that is not a whole number >= 0. */
function checkRequest(name: string, req: ScaleRequest): void {
  const forms = [
    req.roles?.length ? 1 : 0,
    req.replicas !== undefined ? 1 : 0,
    req.setReplicas !== undefined ? 1 : 0,
  ].reduce((a, b) => a + b, 0);
  if (forms === 0) {
    throw new UsageError(
      `nothing to scale for podcliqueset "${name}"`,
      "give --replicas=N (all workers), --<role>=N or --role <role>=N, or --set-replicas=N",
    );
  }
  if (forms > 1) {
    throw new UsageError(
      "--replicas, per-role counts (--<role>=N) and --set-replicas cannot be combined",
      "scale the set and its roles in two steps",
    );
  }
  for (
    const [what, n] of [
      ["--replicas", req.replicas],
      ["--set-replicas", req.setReplicas],
      ...(req.roles ?? []).map((r) => [`--${r.role}`, r.replicas] as const),
    ] as const
  ) {
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
      throw new UsageError(`${what}: expected a whole number >= 0, got ${n}`);
    }
  }
}

/** The target of every role: given per role, distributed by `--replicas`, or the set's. */
function planTargets(name: string, roles: ScalableRole[], req: ScaleRequest): Targets {
  let mode: ScalePlan["mode"] = "roles";
  let rounding: Rounding | undefined;
  const targets = new Map<ScalableRole, number>();
  if (req.setReplicas !== undefined) mode = "set";
  else if (req.replicas !== undefined) {
    mode = "proportional";
    const workers = roles.filter((r) => r.worker);
    if (!workers.length) {
      throw new UsageError(
        `podcliqueset "${name}" has no worker roles (roles whose pods request GPUs) to distribute --replicas over`,
        `scale roles by name instead: --<role>=N (roles: ${roles.map((r) => r.role).join(", ")})`,
      );
    }
    const shares = largestRemainder(
      req.replicas,
      workers.map((w) => ({ role: w.role, weight: w.current })),
    );
    workers.forEach((w, i) => targets.set(w, shares[i].target));
    const ratio = workers.map((w) => w.current).join(":");
    rounding = {
      requested: req.replicas,
      shares,
      summary: `--replicas=${req.replicas} over ${workers.length} worker role${
        workers.length === 1 ? "" : "s"
      } (${workers.map((w) => w.role).join(", ")}; now ${ratio}${
        workers.some((w) => w.kind === "group") ? "; a scaling group counts its group replicas" : ""
      }): ${describeRounding(shares)}`,
    };
  } else {
    const seen = new Map<string, string>();
    for (const r of req.roles ?? []) {
      const role = findRole(roles, r.role, name);
      const prev = seen.get(role.role);
      if (prev !== undefined) {
        throw new UsageError(
          `role "${role.role}" is given twice (--${prev} and --${r.role})`,
          "give each role once",
        );
      }
      seen.set(role.role, r.role);
      targets.set(role, r.replicas);
    }
  }
  return { mode, rounding, targets };
}

/**
 * Where new pods may go: the cluster topology and GPU model, the pack
 * domains of the set, its cliques and groups (a domain that is not a level
 * of the topology is noted and not checked), and placement units that join
 * an existing gang.
 */
function placementContext(input: ScaleInput, notes: string[]) {
  const tpl = input.pcs.spec?.template;
  const topo = resolveTopology({
    bindings: input.bindings ?? [],
    legacy: input.legacy ?? [],
    nodes: input.nodes,
    preferredName: tpl?.topologyConstraint?.topologyName,
  });
  const levels = topo.levels;
  const dra = draGpuIndex(input.resourceClaims ?? [], input.resourceSlices ?? [], input.allPods);
  const model = nodeGpuStates(input.nodes, input.allPods, levels, dra);
  const viaDra = model.nodes.filter((n) => n.source === "dra" || n.source === "both").length;
  if (viaDra) {
    notes.push(
      `GPU capacity of ${viaDra} node(s) from DRA ResourceSlices, allocation from ResourceClaims`,
    );
  }
  const nodeByName = new Map(model.nodes.map((n) => [n.name, n]));
  const keyOf = (domain: string | undefined, where: string) => {
    if (!domain) return undefined;
    const k = keyForDomain(levels, domain);
    if (!k) {
      notes.push(
        `pack domain "${domain}" of ${where} is not a level of the cluster topology (${
          levels.map((l) => l.domain).join(", ") || "none"
        }): not checked`,
      );
    }
    return k;
  };
  const pcsReq = keyOf(
    packDomains(tpl?.topologyConstraint)?.required,
    "the set",
  );
  const pcsPref = keyOf(tpl?.topologyConstraint?.pack?.preferred, "the set");
  const gangByName = new Map(input.gangs.map((g) => [g.metadata.name, g]));
  const livePods = input.pods.filter((p) => !p.metadata.deletionTimestamp);
  const gangPods = (gang: string) =>
    livePods.filter((p) => p.metadata.labels?.[LabelKeys.podGang] === gang && p.spec?.nodeName);
  const gangValue = (gang: string, key: string | undefined) => {
    if (!key) return undefined;
    return mostCommon(
      gangPods(gang).map((p) => {
        const n = nodeByName.get(p.spec!.nodeName!);
        return n ? nodeStateValue(n, key) : undefined;
      }),
    );
  };
  const scoreOf = (gang: string): number | undefined => {
    const s = gangByName.get(gang)?.status?.placementScore;
    return typeof s === "number" ? s : undefined;
  };
  const cliqueTc = (template: string) =>
    (tpl?.cliques ?? []).find((c) => c.name === template)?.topologyConstraint;
  const groupTc = (group: string) =>
    (tpl?.podCliqueScalingGroups ?? []).find((g) => g.name === group)?.topologyConstraint;

  /** Pods of an existing gang join it: anchored to its required domain, preferring its preferred one. */
  const joinUnit = (
    label: string,
    gang: string,
    shapes: number[],
    req: string | undefined,
    pref: string | undefined,
    anchorKey: string | undefined,
  ): PlacementUnit => {
    const anchorValue = gangValue(gang, anchorKey);
    return {
      label,
      gang,
      newGang: !gangByName.has(gang) && gangPods(gang).length === 0,
      shapes,
      requiredKey: req,
      anchor: anchorKey && anchorValue ? { key: anchorKey, value: anchorValue } : undefined,
      preferredKey: pref,
      preferredValue: gangValue(gang, pref),
      scoreNow: scoreOf(gang),
    };
  };
  return {
    topo,
    levels,
    model,
    dra,
    keyOf,
    pcsReq,
    pcsPref,
    livePods,
    cliqueTc,
    groupTc,
    joinUnit,
  };
}

/** What {@link placementContext} returns. */
type PlacementContext = ReturnType<typeof placementContext>;

/** `--set-replicas`: whole set replicas added (their gangs) or removed (their pods). */
function planSetReplicas(
  input: ScaleInput,
  roles: ScalableRole[],
  target: number,
  where: PlacementContext,
  t: Tally,
): void {
  const { pcs } = input;
  const name = pcs.metadata.name;
  const setReplicas = pcs.spec?.replicas ?? 0;
  const { levels, keyOf, pcsReq, pcsPref, livePods, groupTc } = where;
  let perReplicaGpus = 0;
  let perReplicaPods = 0;
  for (const r of roles) {
    perReplicaGpus += r.templateReplicas * r.gpusPerUnit;
    perReplicaPods += r.templateReplicas * r.podsPerUnit;
  }
  let gpus = 0;
  if (target > setReplicas) {
    for (let i = setReplicas; i < target; i++) {
      const base = baseGangName(name, i);
      const shapes: number[] = [];
      for (const r of roles) {
        if (r.kind === "clique") {
          for (let k = 0; k < r.templateReplicas; k++) shapes.push(r.gpusPerPod);
        } else {
          for (let j = 0; j < Math.min(r.minAvailable, r.templateReplicas); j++) {
            for (const m of r.members) {
              for (let k = 0; k < m.replicas; k++) shapes.push(m.gpusPerPod);
            }
          }
        }
      }
      t.units.push({
        label: `set replica ${i} (gang ${base}): ${shapes.length} pod${
          shapes.length === 1 ? "" : "s"
        }`,
        gang: base,
        newGang: true,
        shapes,
        requiredKey: pcsReq,
        preferredKey: pcsPref,
      });
      for (const r of roles.filter((x) => x.kind === "group")) {
        const gtc = groupTc(r.template);
        for (let j = r.minAvailable; j < r.templateReplicas; j++) {
          const gang = scaledGangName(name, i, r.template, j - r.minAvailable);
          const sh = r.members.flatMap((m) => Array(m.replicas).fill(m.gpusPerPod) as number[]);
          t.units.push({
            label:
              `set replica ${i}, ${r.role} group replica ${j} (gang ${gang}): ${sh.length} pods`,
            gang,
            newGang: true,
            shapes: sh,
            requiredKey: narrowestKey(levels, [
              pcsReq,
              keyOf(packDomains(gtc)?.required, `scaling group ${r.template}`),
            ]),
            preferredKey: keyOf(gtc?.pack?.preferred, `scaling group ${r.template}`) ?? pcsPref,
          });
        }
      }
    }
    gpus = (target - setReplicas) * perReplicaGpus;
    t.addedPods = (target - setReplicas) * perReplicaPods;
  } else if (target < setReplicas) {
    const going = livePods.filter((p) => (podRef(p)?.replica ?? -1) >= target);
    t.removedPods.push(...going.map((p) => p.metadata.name).sort());
    gpus = -going.reduce((s, p) => s + podGpus(p) + podDraGpus(where.dra, p), 0);
  }
  t.gpuDelta = gpus;
  t.changes.push({
    role: name,
    kind: "set",
    via: `PodCliqueSet ${name} /scale`,
    current: setReplicas,
    target,
    podsPerUnit: perReplicaPods,
    gpusPerUnit: perReplicaGpus,
    podsDelta: target > setReplicas ? t.addedPods : -t.removedPods.length,
    gpusDelta: gpus,
  });
  if (target !== setReplicas) {
    t.writes.push({
      kind: "PodCliqueSet",
      name,
      how: "scale",
      current: setReplicas,
      target,
      resourceVersion: pcs.metadata.resourceVersion,
    });
  }
  if (target === 0 && setReplicas > 0) {
    t.refusals.push(
      `--set-replicas=0 removes every replica of podcliqueset "${name}" (${t.removedPods.length} pods, ${-gpus} GPUs)`,
    );
  }
}

/** One role to `target`: its objects' `/scale` writes, new units, pods that go, refusals, warnings. */
function planRole(
  input: ScaleInput,
  role: ScalableRole,
  target: number,
  where: PlacementContext,
  t: Tally,
): void {
  const tpl = input.pcs.spec?.template;
  const perReplica = role.objects.map((o) => o.replicas);
  if (new Set(perReplica).size > 1) {
    t.warnings.push(
      `role ${role.role} differs between set replicas now (${
        role.objects.map((o) => `${o.name}: ${o.replicas}`).join(", ")
      }); each is set to ${target}`,
    );
  }
  const { podsDelta, gpus } = role.kind === "clique"
    ? planCliqueRole(input, role, target, where, t)
    : planGroupRole(input, role, target, where, t);
  t.gpuDelta += gpus;
  t.addedPods += Math.max(0, podsDelta);
  const hpa = role.kind === "clique"
    ? (tpl?.cliques ?? [])[role.templateIndex]?.spec?.autoScalingConfig
    : (tpl?.podCliqueScalingGroups ?? [])[role.templateIndex]?.scaleConfig;
  if (hpa) {
    t.warnings.push(
      `role ${role.role} has an autoscaler (${
        hpa.minReplicas ?? 1
      }..${hpa.maxReplicas}): it may change the count again${
        target < (hpa.minReplicas ?? 1) || target > hpa.maxReplicas
          ? `; ${target} is outside its range`
          : ""
      }`,
    );
  }
}

/** A standalone clique role: each PodClique `/scale`d, and the template too. */
function planCliqueRole(
  input: ScaleInput,
  role: ScalableRole,
  target: number,
  where: PlacementContext,
  t: Tally,
): { podsDelta: number; gpus: number } {
  const { pcs } = input;
  const name = pcs.metadata.name;
  const delay = formatGoDuration(terminationDelayMs(pcs));
  const { levels, keyOf, pcsReq, pcsPref, livePods, cliqueTc, joinUnit } = where;
  let podsDelta = 0;
  let gpus = 0;
  const rtc = cliqueTc(role.template);
  const req = narrowestKey(levels, [
    keyOf(packDomains(rtc)?.required, `clique ${role.template}`),
    pcsReq,
  ]);
  const pref = keyOf(rtc?.pack?.preferred, `clique ${role.template}`) ?? pcsPref;
  for (const o of role.objects) {
    const d = target - o.replicas;
    podsDelta += d;
    gpus += d * role.gpusPerPod;
    if (d > 0) {
      const gang = baseGangName(name, o.setReplica);
      t.units.push(joinUnit(
        `${o.name} +${d} pod${d === 1 ? "" : "s"}`,
        gang,
        Array(d).fill(role.gpusPerPod),
        req,
        pref,
        req,
      ));
    } else if (d < 0) {
      const mine = livePods
        .filter((p) => p.metadata.labels?.[LabelKeys.podClique] === o.name)
        .sort((a, b) =>
          (podRef(b)?.podIndex ?? 0) - (podRef(a)?.podIndex ?? 0) ||
          b.metadata.name.localeCompare(a.metadata.name)
        );
      t.removedPods.push(...mine.slice(0, -d).map((p) => p.metadata.name));
    }
    if (d !== 0 || !o.exists) {
      if (o.exists) {
        t.writes.push({
          kind: "PodClique",
          name: o.name,
          how: "scale",
          current: o.replicas,
          target,
          resourceVersion: o.resourceVersion,
        });
      } else {
        t.notes.push(
          `PodClique ${o.name} does not exist yet: it will be created from the template`,
        );
      }
    }
  }
  if (role.templateReplicas !== target) {
    t.writes.push({
      kind: "PodCliqueSet",
      name,
      how: "template",
      field: `spec.template.cliques[${role.templateIndex}].spec.replicas`,
      current: role.templateReplicas,
      target,
      resourceVersion: pcs.metadata.resourceVersion,
    });
    t.notes.push(
      `role ${role.role}: the PodCliqueSet template is updated too (${role.templateReplicas} -> ${target}), so set replicas created later match: the operator does not push template replica changes to existing PodCliques`,
    );
  }
  if (target < role.minAvailable) {
    t.refusals.push(
      `role ${role.role}: ${target} is below minAvailable ${role.minAvailable}: clique${
        role.objects.length > 1 ? "s" : ""
      } ${role.objects.map((o) => o.name).join(", ")} would be MinAvailableBreached and ${
        role.objects.length > 1 ? "their gangs" : "its gang"
      } terminated after terminationDelay ${delay}`,
    );
  }
  t.changes.push({
    role: role.role,
    kind: "clique",
    via: `PodClique /scale x${role.objects.length} + template`,
    current: role.current,
    target,
    minAvailable: role.minAvailable,
    podsPerUnit: 1,
    gpusPerUnit: role.gpusPerPod,
    podsDelta,
    gpusDelta: gpus,
  });
  return { podsDelta, gpus };
}

/** A scaling-group role: each PodCliqueScalingGroup `/scale`d; group replicas beyond minAvailable get their own gang. */
function planGroupRole(
  input: ScaleInput,
  role: ScalableRole,
  target: number,
  where: PlacementContext,
  t: Tally,
): { podsDelta: number; gpus: number } {
  const name = input.pcs.metadata.name;
  const delay = formatGoDuration(terminationDelayMs(input.pcs));
  const { levels, keyOf, pcsReq, pcsPref, livePods, groupTc, joinUnit } = where;
  let podsDelta = 0;
  let gpus = 0;
  const gtc = groupTc(role.template);
  const greq = keyOf(
    packDomains(gtc)?.required,
    `scaling group ${role.template}`,
  );
  const gpref = keyOf(gtc?.pack?.preferred, `scaling group ${role.template}`) ?? pcsPref;
  for (const o of role.objects) {
    const d = target - o.replicas;
    podsDelta += d * role.podsPerUnit;
    gpus += d * role.gpusPerUnit;
    for (let j = o.replicas; j < target; j++) {
      const shapes = role.members.flatMap((m) => Array(m.replicas).fill(m.gpusPerPod) as number[]);
      const label = `${o.name} group replica ${j} (${shapes.length} pods)`;
      if (j < role.minAvailable) {
        const u = joinUnit(
          label,
          baseGangName(name, o.setReplica),
          shapes,
          narrowestKey(levels, [greq, pcsReq]),
          gpref,
          pcsReq,
        );
        t.units.push(u);
      } else {
        t.units.push({
          label,
          gang: scaledGangName(name, o.setReplica, role.template, j - role.minAvailable),
          newGang: true,
          shapes,
          requiredKey: narrowestKey(levels, [greq, pcsReq]),
          preferredKey: gpref,
        });
      }
    }
    if (d < 0) {
      const going = livePods.filter((p) => {
        const ref = podRef(p);
        return ref?.scalingGroup === o.name && (ref.scalingGroupReplica ?? 0) >= target;
      });
      t.removedPods.push(...going.map((p) => p.metadata.name).sort());
    }
    if (d !== 0) {
      if (o.exists) {
        t.writes.push({
          kind: "PodCliqueScalingGroup",
          name: o.name,
          how: "scale",
          current: o.replicas,
          target,
          resourceVersion: o.resourceVersion,
        });
      } else {
        t.warnings.push(
          `PodCliqueScalingGroup ${o.name} does not exist yet; it cannot be scaled until the operator creates it`,
        );
      }
    }
  }
  if (target !== role.templateReplicas) {
    t.notes.push(
      `role ${role.role}: set replicas created later start with the template's ${role.templateReplicas} group replicas`,
    );
  }
  if (target < role.minAvailable) {
    t.refusals.push(
      `role ${role.role}: ${target} group replicas is below the scaling group's minAvailable ${role.minAvailable}: the base gang would be breached and terminated after terminationDelay ${delay}`,
    );
  }
  t.changes.push({
    role: role.role,
    kind: "group",
    via: `PodCliqueScalingGroup /scale x${role.objects.length}`,
    current: role.current,
    target,
    minAvailable: role.minAvailable,
    podsPerUnit: role.podsPerUnit,
    gpusPerUnit: role.gpusPerUnit,
    podsDelta,
    gpusDelta: gpus,
  });
  return { podsDelta, gpus };
}

/** The placement analysis of the new units, the last refusals, and the plan. */
function finishPlan(
  input: ScaleInput,
  mode: ScalePlan["mode"],
  rounding: Rounding | undefined,
  where: PlacementContext,
  t: Tally,
): ScalePlan {
  const { pcs } = input;
  const name = pcs.metadata.name;
  const { topo, levels, model } = where;
  const { units, changes, writes, refusals, gpuDelta } = t;
  const placement = analysePlacement(units, model.nodes, levels);
  placement.notes.push(...topo.notes);
  for (const u of placement.units.filter((x) => !x.fits)) {
    refusals.push(`no capacity for ${u.label}: ${u.reason}`);
  }
  if (placement.unusableFreeGpus > 0 && units.length) {
    const names = model.nodes.filter((n) => !n.schedulable && n.free > 0)
      .map((n) => `${n.name} (${n.cordoned ? "cordoned" : "NotReady"}, ${n.free} free)`);
    placement.notes.push(`not used: ${names.join(", ")}`);
  }
  const changed = changes.some((c) => c.current !== c.target) ||
    writes.length > 0;
  // GREP-393: during a Coherent update Grove rejects scale-out and scale-in PCS-wide.
  const up = pcs.status?.updateProgress;
  if (
    changed && strategyInfo(pcs).type === "Coherent" && up?.updateStartedAt &&
    !up.updateEndedAt
  ) {
    refusals.push(
      `a Coherent update of ${name} is in flight (since ${up.updateStartedAt}): Grove rejects scaling the set, its cliques and scaling groups until it ends (kubectl grove rollout status ${name} -w)`,
    );
  }
  if (pcs.metadata.deletionTimestamp) {
    refusals.push(`podcliqueset "${name}" is being deleted`);
  }
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "ScalePlan",
    name,
    namespace: pcs.metadata.namespace ?? "",
    mode,
    setReplicas: pcs.spec?.replicas ?? 0,
    rounding,
    changes,
    writes,
    gpu: {
      delta: gpuDelta,
      freeNow: placement.freeGpus,
      freeAfter: placement.freeGpus - gpuDelta,
      unusable: placement.unusableFreeGpus,
    },
    placement,
    removedPods: t.removedPods,
    addedPods: t.addedPods,
    refusals,
    warnings: t.warnings,
    notes: t.notes,
    changed,
  };
}
