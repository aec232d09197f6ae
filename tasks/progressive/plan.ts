/**
 * Batch planning of a progressive rollout (pure): which pods still run the
 * old (or, rolling back, the new) template, grouped into units (a pod of a
 * standalone clique, or one replica of a scaling group: Grove gangs its
 * members), ordered by topology domain, and cut into batches that keep every
 * standalone clique at or above its minAvailable and every scaling group at
 * or above its minAvailable replicas.
 *
 * @module
 */

import { GroveError, UsageError } from "../../lib/errors.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import {
  cliqueMinAvailable,
  cliqueRole,
  isNodeCordoned,
  isNodeReady,
  isPodReady,
  podRef,
} from "../../lib/grove/relations.ts";
import type { Node, Pod, PodClique, PodCliqueScalingGroup } from "../../lib/grove/types.ts";
import { cliqueRoles } from "../../lib/grove/roles.ts";
import { nodeDomainValue } from "../../lib/topology/levels.ts";

/** One pod of a unit. */
export interface UnitPod {
  /** Pod name. */
  name: string;
  /** uid (delete precondition). */
  uid?: string;
  /** PodClique (full name). */
  clique: string;
  /** Node. */
  node?: string;
  /** Ready now. */
  ready: boolean;
}

/** What is replaced together: a pod, or a scaling-group replica's pods. */
export interface Unit {
  /** Pod name, or `<pcsg>-<j>`. */
  id: string;
  /** Role: the clique's roleName (or template name), or the scaling group's name. */
  role: string;
  /** Names that select this unit with `--role`. */
  roleNames: string[];
  /** Availability constraint: `clique/<pclq>` or `group/<pcsg>`. */
  constraint: string;
  /** Pods to delete. */
  pods: UnitPod[];
  /** Topology domain of its nodes (the first pod's), `<none>` when unknown. */
  domain: string;
  /** Every pod ready. */
  ready: boolean;
  /** Its nodes are Ready and schedulable: the replacement can return where the pod ran. */
  keepsPlacement: boolean;
  /** Oldest pod creation (RFC 3339). */
  createdAt: string;
}

/** An availability constraint: how many of its members may be down at once. */
export interface Constraint {
  /** `clique/<pclq>` or `group/<pcsg>`. */
  key: string;
  /** Members (pods or group replicas) desired. */
  replicas: number;
  /** minAvailable. */
  minAvailable: number;
  /** replicas - minAvailable. */
  maxDown: number;
}

/** Input of {@link pendingUnits}. */
export interface UnitsInput {
  /** PodCliqueSet name. */
  pcs: string;
  /** Its PodCliques. */
  cliques: PodClique[];
  /** Its scaling groups. */
  groups: PodCliqueScalingGroup[];
  /** Its pods. */
  pods: Pod[];
  /** Nodes (for domains and placement); may be empty. */
  nodes: Node[];
  /** Clique template names whose template changed. */
  changed: string[];
  /** Stable pod-template-hashes per PodClique. */
  stableHashes: Record<string, string[]>;
  /** `forward`: units with stable pods; `back`: units with new pods. */
  direction: "forward" | "back";
  /** Node label key of the domain level (default: none, domain `<none>`). */
  domainKey?: string;
}

const NONE = "<none>";

/** True when the pod runs one of the stable hashes of its clique. */
export function isStablePod(pod: Pod, stableHashes: Record<string, string[]>): boolean {
  const clique = pod.metadata.labels?.[LabelKeys.podClique] ?? "";
  const hash = pod.metadata.labels?.[LabelKeys.podTemplateHash];
  return hash !== undefined && (stableHashes[clique] ?? []).includes(hash);
}

/** The pod-template-hashes of the pods of each clique now (the stable set before a change). */
export function currentHashes(pods: Pod[], cliques: PodClique[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const q of cliques) {
    const h = new Set<string>();
    const st = q.status as { currentPodTemplateHash?: string } | undefined;
    if (st?.currentPodTemplateHash) h.add(st.currentPodTemplateHash);
    out[q.metadata.name] = [...h];
  }
  for (const p of pods) {
    const c = p.metadata.labels?.[LabelKeys.podClique];
    const hash = p.metadata.labels?.[LabelKeys.podTemplateHash];
    if (!c || !hash || p.metadata.deletionTimestamp) continue;
    const list = out[c] ?? (out[c] = []);
    if (!list.includes(hash)) list.push(hash);
  }
  return out;
}

/** Availability constraints of the PodCliqueSet's standalone cliques and scaling groups. */
export function constraintsOf(cliques: PodClique[], groups: PodCliqueScalingGroup[]): Constraint[] {
  const out: Constraint[] = [];
  for (const q of cliques) {
    if (q.metadata.labels?.[LabelKeys.scalingGroup]) continue;
    const replicas = Number(q.spec?.replicas ?? 0);
    const min = cliqueMinAvailable(q);
    out.push({
      key: `clique/${q.metadata.name}`,
      replicas,
      minAvailable: min,
      maxDown: Math.max(0, replicas - min),
    });
  }
  for (const g of groups) {
    const replicas = Number(g.spec?.replicas ?? 0);
    const min = g.spec?.minAvailable ?? 1;
    out.push({
      key: `group/${g.metadata.name}`,
      replicas,
      minAvailable: min,
      maxDown: Math.max(0, replicas - min),
    });
  }
  return out;
}

/**
 * The units still to replace, in preference order: units whose nodes keep
 * the placement first, not-ready ones before ready ones (replacing them
 * costs no availability), then by domain and age.
 *
 * @example
 * ```ts
 * import { pendingUnits } from "./plan.ts";
 * pendingUnits({ pcs: "x", cliques: [], groups: [], pods: [], nodes: [], changed: [],
 *   stableHashes: {}, direction: "forward" }); // []
 * ```
 */
export function pendingUnits(i: UnitsInput): Unit[] {
  const nodes = new Map(i.nodes.map((n) => [n.metadata.name, n]));
  const roleOfClique = new Map(i.cliques.map((q) => [q.metadata.name, q]));
  const roles = cliqueRoles(i.pcs, i.cliques);
  const units = new Map<string, Unit>();
  for (const pod of i.pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const ref = podRef(pod);
    if (!ref || ref.pcs !== i.pcs || !ref.clique) continue;
    if (!ref.cliqueTemplate || !i.changed.includes(ref.cliqueTemplate)) continue;
    const stable = isStablePod(pod, i.stableHashes);
    if (i.direction === "forward" ? !stable : stable) continue;
    const q = roleOfClique.get(ref.clique);
    let id: string;
    let role: string;
    let roleNames: string[];
    let constraint: string;
    if (ref.scalingGroup) {
      id = `${ref.scalingGroup}-${ref.scalingGroupReplica ?? 0}`;
      const prefix = `${i.pcs}-${ref.replica ?? 0}-`;
      const group = ref.scalingGroup.startsWith(prefix)
        ? ref.scalingGroup.slice(prefix.length)
        : ref.scalingGroup;
      // The pod's role (its clique's, see lib/grove/roles.ts), answering to
      // the group's name too: a group may hold several roles.
      role = roles.get(ref.clique)?.role ?? group;
      roleNames = [role, group, ref.cliqueTemplate, ...(q ? [cliqueRole(q)] : [])];
      constraint = `group/${ref.scalingGroup}`;
    } else {
      id = pod.metadata.name;
      role = q ? cliqueRole(q) : ref.cliqueTemplate;
      roleNames = [role, ref.cliqueTemplate];
      constraint = `clique/${ref.clique}`;
    }
    const node = pod.spec?.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
    const domain = i.domainKey && node ? nodeDomainValue(node, i.domainKey) ?? NONE : NONE;
    const keeps = !pod.spec?.nodeName || !node ||
      (isNodeReady(node) && !isNodeCordoned(node));
    const up: UnitPod = {
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      clique: ref.clique,
      node: pod.spec?.nodeName,
      ready: isPodReady(pod),
    };
    const u = units.get(id);
    if (u) {
      u.pods.push(up);
      u.ready &&= up.ready;
      u.keepsPlacement &&= keeps;
      for (const r of roleNames) if (!u.roleNames.includes(r)) u.roleNames.push(r);
      const c = pod.metadata.creationTimestamp ?? "";
      if (c < u.createdAt) u.createdAt = c;
    } else {
      units.set(id, {
        id,
        role,
        roleNames: [...new Set(roleNames)],
        constraint,
        pods: [up],
        domain,
        ready: up.ready,
        keepsPlacement: keeps,
        createdAt: pod.metadata.creationTimestamp ?? "",
      });
    }
  }
  return [...units.values()].sort((a, b) =>
    Number(b.keepsPlacement) - Number(a.keepsPlacement) ||
    Number(a.ready) - Number(b.ready) ||
    a.domain.localeCompare(b.domain) ||
    a.createdAt.localeCompare(b.createdAt) ||
    a.id.localeCompare(b.id)
  );
}

/** Refuses when a constraint with units to replace allows nobody down. */
export function assertReplaceable(pcs: string, units: Unit[], constraints: Constraint[]): void {
  const blocked = constraints.filter((c) =>
    c.maxDown === 0 && units.some((u) => u.constraint === c.key)
  );
  if (!blocked.length) return;
  throw new GroveError(
    `cannot replace pods of podcliqueset "${pcs}" without going below minAvailable: ${
      blocked.map((c) =>
        `${c.key.replace("/", " ")} (${c.replicas} replicas, minAvailable ${c.minAvailable})`
      ).join(
        ", ",
      )
    }`,
    {
      hint:
        "scale it up by one first (kubectl grove scale), or lower its minAvailable; a progressive rollout never takes a clique below minAvailable",
    },
  );
}

/**
 * Cuts units into batches of at most `size` units, each taking at most
 * `maxDown` members of a constraint down (assuming full readiness at the
 * start of every batch, which the driver waits for). Order is kept as far
 * as the budgets allow.
 *
 * @example
 * ```ts
 * import { planBatches } from "./plan.ts";
 * const u = (id: string) => ({ id, role: "w", roleNames: ["w"], constraint: "clique/c", pods: [],
 *   domain: "r1", ready: true, keepsPlacement: true, createdAt: "" });
 * planBatches([u("a"), u("b"), u("c")], [{ key: "clique/c", replicas: 3, minAvailable: 2, maxDown: 1 }], 2)
 *   .map((b) => b.map((x) => x.id)); // [["a"], ["b"], ["c"]]
 * ```
 */
export function planBatches(units: Unit[], constraints: Constraint[], size: number): Unit[][] {
  const maxDown = new Map(constraints.map((c) => [c.key, Math.max(1, c.maxDown)]));
  const queue = [...units];
  const batches: Unit[][] = [];
  const limit = Math.max(1, size);
  while (queue.length) {
    const batch: Unit[] = [];
    const used = new Map<string, number>();
    for (let k = 0; k < queue.length && batch.length < limit;) {
      const u = queue[k];
      const n = used.get(u.constraint) ?? 0;
      // a not-ready unit costs no availability
      if (u.ready && n >= (maxDown.get(u.constraint) ?? 1)) {
        k++;
        continue;
      }
      batch.push(u);
      if (u.ready) used.set(u.constraint, n + 1);
      queue.splice(k, 1);
    }
    batches.push(batch);
  }
  return batches;
}

/** Domains in rollout order: by name, `<none>` last. */
export function domainOrder(units: Unit[]): string[] {
  return [...new Set(units.map((u) => u.domain))].sort((a, b) =>
    a === NONE ? 1 : b === NONE ? -1 : a.localeCompare(b)
  );
}

/** Picks the canary units of a role; refuses a canary larger than the role. */
export function chooseCanary(
  pcs: string,
  units: Unit[],
  count: number,
  role: string | undefined,
): Unit[] {
  const roles = [...new Set(units.map((u) => u.role))];
  const pickRole = role ?? units[0]?.role;
  if (pickRole === undefined) {
    throw new GroveError(`podcliqueset "${pcs}" has no pods on the old template to canary`, {
      hint: `check its pods with: kubectl grove status ${pcs}`,
    });
  }
  const of = units.filter((u) => u.roleNames.includes(pickRole));
  if (!of.length) {
    throw new UsageError(
      `podcliqueset "${pcs}" has no pods of role "${pickRole}" to canary`,
      `roles with pods to update: ${roles.join(", ") || "(none)"}`,
    );
  }
  if (count > of.length) {
    const what = of[0].constraint.startsWith("group/") ? "scaling-group replicas" : "pods";
    throw new UsageError(
      `a canary of ${count} is larger than role "${pickRole}" of podcliqueset "${pcs}" (${of.length} ${what})`,
      `use --pods ${of.length} or fewer`,
    );
  }
  return of.slice(0, count);
}
