/**
 * The preview of any change to a PodCliqueSet (`kind: UpdatePlan`): the
 * changed fields, the pods recreated per role, the update strategy and the
 * estimated duration. Pure; every write (update, apply, undo, scale,
 * restart, progressive) shows it before asking.
 *
 * @module
 */

import { LabelKeys } from "../grove/labels.ts";
import { expectedCliques } from "../grove/expansion.ts";
import { isPodReady, podCondition, podRef } from "../grove/relations.ts";
import type {
  Pod,
  PodClique,
  PodCliqueSet,
  PodCliqueSetTemplateSpec,
  PodCliqueTemplateSpec,
} from "../grove/types.ts";
import { REPORT_API_VERSION } from "../render/output.ts";
import { type FieldChange, fieldChanges } from "../revisions/field_changes.ts";
import { stableStringify } from "../revisions/hash.ts";
import { isPaused, strategyOf } from "../revisions/pause.ts";
import { summarizeTemplate } from "../revisions/summary.ts";

/** One container whose image changes. */
export interface ImageTarget {
  /** Clique template name. */
  clique: string;
  /** Role. */
  role: string;
  /** Container name. */
  container: string;
  /** Current image. */
  from: string;
  /** New image. */
  to: string;
}

/** Pods a change touches, per role. */
export interface AffectedRole {
  /** Role. */
  role: string;
  /** Clique template name. */
  clique: string;
  /** PodClique objects of the role (across set and scaling-group replicas). */
  cliques: number;
  /** Pods of the role now. */
  pods: number;
  /** Pods the operator will recreate on its own (0 with OnDelete). */
  recreated: number;
  /** Observed start-up time of one pod (ms), when known. */
  startupMs?: number;
}

/** The preview of a template change (`kind: UpdatePlan`). */
export interface UpdatePlan {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "UpdatePlan";
  /** PodCliqueSet name. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Nothing would change. */
  noChange: boolean;
  /** Changed fields, paths from the object root. */
  changes: FieldChange[];
  /** Image targets (update only). */
  targets: ImageTarget[];
  /** Update strategy in effect. */
  strategy: string;
  /** Paused by kubectl-grove. */
  paused: boolean;
  /** Pods per affected role. */
  affected: AffectedRole[];
  /** Pods recreated in total. */
  totalRecreated: number;
  /** Estimated time for the operator to finish, in ms (0 for OnDelete). */
  estimatedDurationMs: number;
  /** How the estimate was made. */
  estimateBasis: string;
  /** Warnings (placement, GPUs, availability during the update, an update in flight). */
  warnings: string[];
  /** The order the operator replaces the affected roles in (clique order and `startsAfter`). */
  order: string[];
  /** Serving capacity while each step is under way, one line per affected role. */
  transition: string[];
  /** Reasons the change needs `--force` (a clique of 1 pod with minAvailable 1 under RollingRecreate). */
  needsForce: string[];
}

/** Start-up time assumed when no pod of a role has become ready yet. */
export const DEFAULT_STARTUP_MS = 60_000;

/** Median time from creation to Ready of the ready pods given (ms), or undefined. */
export function observedStartupMs(pods: Pod[]): number | undefined {
  const xs = pods.filter(isPodReady).map((p) => {
    const ready = podCondition(p, "Ready")?.lastTransitionTime;
    const created = p.metadata.creationTimestamp;
    return ready && created ? Date.parse(ready) - Date.parse(created) : NaN;
  }).filter((x) => Number.isFinite(x) && x >= 0).sort((a, b) => a - b);
  if (!xs.length) return undefined;
  return xs[Math.floor(xs.length / 2)];
}

/** Options of {@link planChange}. */
export interface PlanChangeOptions {
  /** Pods of the PodCliqueSet now (for counts and start-up times); may be empty. */
  pods: Pod[];
  /** Image targets, when the change is an image update. */
  targets?: ImageTarget[];
  /** Warnings found while building the change. */
  warnings?: string[];
  /** The set's PodCliques now (for breached gangs); may be omitted. */
  cliques?: PodClique[];
}

/**
 * The order roles are replaced in: template order, a clique after the cliques
 * it `startsAfter`; a scaling group's cliques together, at its first member.
 */
export function updateOrder(
  template: PodCliqueSetTemplateSpec | undefined,
  affected: ReadonlySet<string>,
): string[] {
  const cliques = template?.cliques ?? [];
  const groupOf = new Map<string, string>();
  for (const g of template?.podCliqueScalingGroups ?? []) {
    for (const c of g.cliqueNames) groupOf.set(c, g.name);
  }
  // topological order over startsAfter, ties in template order
  const done = new Set<string>();
  const sorted: PodCliqueTemplateSpec[] = [];
  const byName = new Map(cliques.map((c) => [c.name, c]));
  const visit = (c: PodCliqueTemplateSpec, seen: Set<string>) => {
    if (done.has(c.name) || seen.has(c.name)) return;
    seen.add(c.name);
    for (const dep of c.spec?.startsAfter ?? []) {
      const d = byName.get(dep);
      if (d) visit(d, seen);
    }
    done.add(c.name);
    sorted.push(c);
  };
  for (const c of cliques) visit(c, new Set());
  const steps: string[] = [];
  for (const c of sorted.filter((c) => affected.has(c.name))) {
    const g = groupOf.get(c.name);
    const step = g ?? (c.spec?.roleName || c.name);
    if (!steps.includes(step)) steps.push(step);
  }
  return steps;
}

/**
 * The order as a sentence: `prefill first, then decode`.
 *
 * @example
 * ```ts
 * import { orderText } from "./plan.ts";
 * orderText(["frontend", "prefill", "decode"]); // "frontend first, then prefill, then decode"
 * ```
 */
export function orderText(order: readonly string[]): string {
  if (order.length === 0) return "-";
  if (order.length === 1) return order[0];
  return `${order[0]} first, ${order.slice(1).map((x) => `then ${x}`).join(", ")}`;
}

/**
 * Builds the preview of changing `before` into `next` (pure).
 *
 * Duration: Grove's RollingRecreate replaces set replicas one after the other;
 * inside a replica a standalone clique one pod at a time and a scaling group
 * one group replica at a time (its cliques together). Each step takes the
 * role's observed start-up time (median creation -> Ready), else 60s.
 */
export function planChange(
  before: PodCliqueSet,
  next: PodCliqueSet,
  opts: PlanChangeOptions,
): UpdatePlan {
  const changes = fieldChanges(
    { spec: before.spec, metadata: { annotations: before.metadata.annotations ?? {} } },
    { spec: next.spec, metadata: { annotations: next.metadata.annotations ?? {} } },
  );
  const strategy = strategyOf(next);
  const oldCliques = new Map((before.spec?.template?.cliques ?? []).map((c) => [c.name, c]));
  // Pods are recreated when their pod template changes (podSpec, labels, annotations);
  // a replicas-only change to a clique template does not reach existing cliques.
  const podTemplate = (c: PodCliqueTemplateSpec | undefined) =>
    stableStringify({ podSpec: c?.spec?.podSpec, labels: c?.labels, annotations: c?.annotations });
  const changedCliques = new Set(
    (next.spec?.template?.cliques ?? []).filter((c) => {
      const o = oldCliques.get(c.name);
      return !o || podTemplate(o) !== podTemplate(c);
    }).map((c) => c.name),
  );
  const wide = (t: PodCliqueSetTemplateSpec | undefined) =>
    stableStringify({ ...t, cliques: undefined, podCliqueScalingGroups: undefined });
  const templateWide = wide(before.spec?.template) !== wide(next.spec?.template);
  const warnings = [...(opts.warnings ?? [])];
  for (const c of next.spec?.template?.cliques ?? []) {
    const o = oldCliques.get(c.name);
    if (o && (o.spec?.replicas ?? 0) !== (c.spec?.replicas ?? 0)) {
      warnings.push(
        `clique ${c.name}: replicas ${o.spec?.replicas ?? 0} -> ${
          c.spec?.replicas ?? 0
        } in the template does not resize existing PodCliques (Grove applies it to new set replicas only); scale them with kubectl grove scale`,
      );
    }
  }
  const expected = expectedCliques(next);
  const podsByTemplate = new Map<string, Pod[]>();
  for (const p of opts.pods) {
    const t = podRef(p)?.cliqueTemplate;
    if (!t) continue;
    podsByTemplate.set(t, [...(podsByTemplate.get(t) ?? []), p]);
  }
  const onDelete = strategy === "OnDelete";
  const affected: AffectedRole[] = [];
  const startup = new Map<string, number>();
  for (const s of summarizeTemplate(next.spec?.template)) {
    if (!changedCliques.has(s.clique) && !templateWide) continue;
    const mine = expected.filter((e) => e.template === s.clique);
    const live = podsByTemplate.get(s.clique) ?? [];
    const pods = live.length || mine.reduce((n, e) => n + e.replicas, 0);
    // Live PodCliques when there are pods (a /scale'd scaling group or clique
    // differs from the template), else what the template will create.
    const liveCliques = new Set(live.map((p) => p.metadata.labels?.[LabelKeys.podClique]));
    const st = observedStartupMs(live);
    startup.set(s.clique, st ?? DEFAULT_STARTUP_MS);
    affected.push({
      role: s.role,
      clique: s.clique,
      cliques: live.length ? liveCliques.size : mine.length,
      pods,
      recreated: onDelete ? 0 : pods,
      startupMs: st,
    });
  }
  let est = 0;
  if (!onDelete) {
    const groups = new Map<string, number>();
    // Steps from the live pods: each standalone pod, each scaling-group replica.
    for (const [template, live] of podsByTemplate) {
      if (!startup.has(template)) continue;
      const t = startup.get(template)!;
      for (const p of live) {
        const r = podRef(p);
        if (r?.scalingGroup !== undefined) {
          const k = `${r.replica}/${r.scalingGroup}/${r.scalingGroupReplica}`;
          groups.set(k, Math.max(groups.get(k) ?? 0, t));
        } else est += t;
      }
    }
    for (const e of expected) {
      if (!startup.has(e.template) || podsByTemplate.has(e.template)) continue;
      const t = startup.get(e.template)!;
      if (e.scalingGroup) {
        const k = `${e.replica}/${e.scalingGroup}/${e.scalingGroupReplica}`;
        groups.set(k, Math.max(groups.get(k) ?? 0, t));
      } else est += t * e.replicas;
    }
    for (const t of groups.values()) est += t;
  }
  const observed = affected.some((a) => a.startupMs !== undefined);
  // availability while the operator replaces pods
  const needsForce: string[] = [];
  const transition: string[] = [];
  const tpl = next.spec?.template;
  const grouped = new Map<string, string>();
  for (const g of tpl?.podCliqueScalingGroups ?? []) {
    for (const c of g.cliqueNames) grouped.set(c, g.name);
  }
  const affectedNames = new Set(affected.map((a) => a.clique));
  if (!onDelete && affected.some((a) => a.recreated > 0)) {
    for (const c of tpl?.cliques ?? []) {
      if (!affectedNames.has(c.name) || grouped.has(c.name)) continue;
      const replicas = c.spec?.replicas ?? 0;
      const min = c.spec?.minAvailable ?? replicas;
      const role = c.spec?.roleName || c.name;
      if (replicas === 1 && min >= 1) {
        needsForce.push(
          `clique ${c.name} has 1 replica and minAvailable ${min}: ${strategy} recreates its only pod, so it goes below minAvailable and its gang's termination clock (terminationDelay) starts`,
        );
      } else if (replicas > 0 && replicas - 1 < min) {
        warnings.push(
          `clique ${c.name}: ${replicas} replicas with minAvailable ${min}: each recreated pod takes it below minAvailable for its start-up time`,
        );
      }
      if (replicas > 0) {
        transition.push(
          `${role}: ${replicas - 1} of ${replicas} pods serve while one is recreated (${
            Math.round((replicas - 1) / replicas * 100)
          }% capacity)`,
        );
      }
    }
    for (const g of tpl?.podCliqueScalingGroups ?? []) {
      if (!g.cliqueNames.some((c) => affectedNames.has(c))) continue;
      const replicas = g.replicas ?? 1;
      transition.push(
        `${g.name}: ${replicas - 1} of ${replicas} workers serve while one is recreated (${
          Math.round((replicas - 1) / replicas * 100)
        }% capacity)`,
      );
      if (replicas - 1 < (g.minAvailable ?? 1)) {
        warnings.push(
          `scaling group ${g.name}: ${replicas} replica(s) with minAvailable ${
            g.minAvailable ?? 1
          }: recreating a replica takes it below minAvailable`,
        );
      }
    }
  }
  // an update already in flight, a gang already breached
  const st = before.status as
    | { updateProgress?: { updateStartedAt?: string; updateEndedAt?: string } }
    | undefined;
  if (st?.updateProgress?.updateStartedAt && !st.updateProgress.updateEndedAt) {
    warnings.push(
      `an update is already in flight (started ${st.updateProgress.updateStartedAt}): this change replaces its target; see kubectl grove rollout status ${before.metadata.name}`,
    );
  }
  for (const q of opts.cliques ?? []) {
    const breached = q.status?.conditions?.find((c) =>
      c.type === "MinAvailableBreached" && c.status === "True"
    );
    if (breached) {
      warnings.push(
        `podclique ${q.metadata.name} is already below minAvailable (since ${
          breached.lastTransitionTime ?? "?"
        }): recreating more pods of its gang brings its termination closer`,
      );
    }
  }
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "UpdatePlan",
    name: before.metadata.name,
    namespace: before.metadata.namespace ?? "",
    noChange: changes.length === 0,
    changes,
    targets: opts.targets ?? [],
    strategy,
    paused: isPaused(next),
    affected,
    totalRecreated: affected.reduce((n, a) => n + a.recreated, 0),
    estimatedDurationMs: est,
    estimateBasis: onDelete
      ? "OnDelete: pods change only when they are deleted"
      : observed
      ? "one pod (or scaling-group replica) at a time, at the observed start-up time"
      : "one pod (or scaling-group replica) at a time, assuming 60s per pod (no start-up observed)",
    warnings,
    order: onDelete ? [] : updateOrder(tpl, affectedNames),
    transition,
    needsForce,
  };
}
