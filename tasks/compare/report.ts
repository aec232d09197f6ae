/**
 * `compare`: the stored AIConfigurator plan against what the engines do.
 * A table of planned vs actual (throughput per GPU, TTFT p99, TPOT p99,
 * PlacementScore, workers and GPUs per role) with deltas and a status, a
 * diagnosis from rules over the same data, and recommendations with the
 * exact command to run. Pure.
 *
 * Status rules: throughput per GPU below 90% of plan is `warn`, below 70%
 * `breach`; a latency p99 over the SLA is `breach`, over the plan's
 * expectation by more than 25% `warn`; fewer ready workers than planned is
 * `breach`; PlacementScore below 0.8 is `warn`. Any `breach` makes the
 * command exit with code 3.
 *
 * @module
 */

import type { Node, PodGang } from "../../lib/grove/types.ts";
import { RACK_LABEL_CANDIDATES } from "../../lib/grove/labels.ts";
import { cliqueRoles } from "../../lib/grove/roles.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import type { MetricsCollected } from "../metrics/collect.ts";
import { readPlan, type StoredPlan } from "../metrics/plan.ts";
import {
  buildMetricsReport,
  fmtMs,
  type MetricsReport,
  type MetricsReportOptions,
  type RoleMetrics,
} from "../metrics/report.ts";
import type { PodTarget, RoleClass } from "../metrics/targets.ts";

/** Status of one compared item. */
export type RowStatus = "ok" | "warn" | "breach" | "n/a";

/** One line of the planned-vs-actual table. */
export interface CompareRow {
  /** What is compared: throughputPerGpu, ttftP99, tpotP99, placementScore, workers, gpus. */
  item: "throughputPerGpu" | "ttftP99" | "tpotP99" | "placementScore" | "workers" | "gpus";
  /** Role, for per-role items. */
  role: string | null;
  /** Unit: tok/s/GPU, ms, score, count. */
  unit: string;
  /** The plan's value. */
  planned: number | null;
  /** The SLA limit, for latencies. */
  sla: number | null;
  /** Measured. */
  actual: number | null;
  /** (actual - planned) / planned, percent. */
  deltaPct: number | null;
  /** Verdict. */
  status: RowStatus;
}

/** A diagnosis finding. */
export interface Finding {
  /** Rule id: placement-split, placement-low, prefill-queueing, decode-kv-saturation, under-used-role, crash-loop, missing-workers, sla-breach. */
  rule: string;
  /** critical, warning or info. */
  severity: "critical" | "warning" | "info";
  /** What is wrong, with numbers. */
  message: string;
  /** Objects involved. */
  objects: string[];
}

/** A recommended action with the exact command. */
export interface Recommendation {
  /** 1 is most urgent. */
  priority: number;
  /** high, medium or low. */
  level: "high" | "medium" | "low";
  /** What to do. */
  action: string;
  /** The command to run. */
  command: string;
  /** What running it is expected to change, or why that cannot be estimated. */
  expected: string;
  /** The finding it addresses. */
  rule: string;
}

/** The `compare` report (`-o json`). */
export interface CompareReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `CompareReport`. */
  kind: "CompareReport";
  /** PodCliqueSet. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Report time. */
  generatedAt: string;
  /** Window of the measurement, seconds. */
  windowSeconds: number;
  /** The stored plan (documented keys), or null. */
  plan: StoredPlan | null;
  /** How to store a plan, when there is none. */
  planHint: string | null;
  /** The SLA in force. */
  sla: MetricsReport["sla"];
  /** Planned vs actual. */
  rows: CompareRow[];
  /** Diagnosis. */
  findings: Finding[];
  /** Recommendations, most urgent first. */
  recommendations: Recommendation[];
  /** ok, warn, breach, or actuals-only (no plan and no SLA). */
  status: "ok" | "warn" | "breach" | "actuals-only";
  /** The metrics report the comparison is built on. */
  metrics: MetricsReport;
  /** Notes (what could not be measured). */
  notes: string[];
}

/** PlacementScore below this is a warning. */
export const PLACEMENT_WARN = 0.8;

function pct(actual: number | null, planned: number | null): number | null {
  if (actual === null || planned === null || planned === 0) return null;
  return Math.round(((actual - planned) / planned) * 1000) / 10;
}

function worse(a: RowStatus, b: RowStatus): RowStatus {
  const rank: Record<RowStatus, number> = { "n/a": 0, ok: 1, warn: 2, breach: 3 };
  return rank[a] >= rank[b] ? a : b;
}

/** Ready workers per role: a worker is ready when all its pods are. */
function workerCounts(targets: readonly PodTarget[], role: string) {
  const by = new Map<string, boolean>();
  for (const t of targets.filter((x) => x.role === role)) {
    by.set(t.worker, (by.get(t.worker) ?? true) && t.ready);
  }
  return { total: by.size, ready: [...by.values()].filter(Boolean).length };
}

function planFor(plan: StoredPlan, cls: RoleClass): { workers?: number; gpusPerWorker?: number } {
  const c = plan.config;
  if (cls === "prefill") {
    return { workers: c.prefillWorkers, gpusPerWorker: c.prefillGpusPerWorker };
  }
  if (cls === "decode") return { workers: c.decodeWorkers, gpusPerWorker: c.decodeGpusPerWorker };
  if (cls === "worker") return { workers: c.workers, gpusPerWorker: c.gpusPerWorker };
  return {};
}

/** The node label key a gang packs on (preferred before required), else a rack label, else the host. */
function packKey(gang: PodGang, nodes: readonly Node[]): string {
  const pc = gang.spec?.topologyConstraint?.packConstraint;
  const groupPc = gang.spec?.topologyConstraintGroupConfigs?.find((g) =>
    g.topologyConstraint?.packConstraint
  )?.topologyConstraint?.packConstraint;
  const key = pc?.preferred ?? pc?.required ?? groupPc?.preferred ?? groupPc?.required;
  if (key) return key;
  for (const k of RACK_LABEL_CANDIDATES) {
    if (nodes.some((n) => n.metadata.labels?.[k] !== undefined)) return k;
  }
  return "kubernetes.io/hostname";
}

function domainName(key: string): string {
  const last = key.split("/").pop() ?? key;
  return last === "hostname" ? "host" : last;
}

/** A pod a recommendation may not delete, and why. */
interface HeldPod {
  pod: string;
  clique: string;
  role: string;
  replica: number;
  ready: number;
  min: number;
  onlyReady: boolean;
}

/**
 * Splits pods to delete into those whose deletion keeps every clique at or
 * above its minAvailable and leaves each role of a set replica a ready pod,
 * and those it would not (deleted in order; a pod that is not ready costs
 * its clique nothing).
 */
export function safeDeletions(
  c: Pick<MetricsCollected, "cliques" | "targets">,
  pods: readonly PodTarget[],
): { safe: PodTarget[]; blocked: HeldPod[] } {
  const min = new Map(
    c.cliques.map((q) => [q.metadata.name, q.spec?.minAvailable ?? q.spec?.replicas ?? 1]),
  );
  const readyIn = new Map<string, number>();
  const readyRole = new Map<string, number>();
  for (const t of c.targets.filter((x) => x.ready)) {
    readyIn.set(t.clique, (readyIn.get(t.clique) ?? 0) + 1);
    const k = `${t.replica}/${t.role}`;
    readyRole.set(k, (readyRole.get(k) ?? 0) + 1);
  }
  const safe: PodTarget[] = [];
  const blocked: HeldPod[] = [];
  for (const t of pods) {
    if (!t.ready) {
      safe.push(t);
      continue;
    }
    const ready = readyIn.get(t.clique) ?? 0;
    const m = min.get(t.clique) ?? 1;
    const k = `${t.replica}/${t.role}`;
    const roleReady = readyRole.get(k) ?? 0;
    if (ready - 1 < m || roleReady <= 1) {
      blocked.push({
        pod: t.pod,
        clique: t.clique,
        role: t.role,
        replica: t.replica,
        ready,
        min: m,
        onlyReady: roleReady <= 1,
      });
      continue;
    }
    readyIn.set(t.clique, ready - 1);
    readyRole.set(k, roleReady - 1);
    safe.push(t);
  }
  return { safe, blocked };
}

function placementFindings(
  c: MetricsCollected,
  findings: Finding[],
  recs: Recommendation[],
): number | null {
  const gangs = c.podGangs ?? [];
  const nodes = new Map((c.nodes ?? []).map((n) => [n.metadata.name, n]));
  let min: number | null = null;
  for (const g of gangs) {
    const score = g.status?.placementScore;
    if (typeof score !== "number") continue;
    min = min === null ? score : Math.min(min, score);
    if (score >= PLACEMENT_WARN) continue;
    const key = packKey(g, [...nodes.values()]);
    const counts = new Map<string, number>();
    const podsIn = new Map<string, PodTarget[]>();
    for (const t of c.targets.filter((x) => x.gang === g.metadata.name)) {
      const node = t.node ? nodes.get(t.node) : undefined;
      const dom = node?.metadata.labels?.[key];
      if (!dom) continue;
      counts.set(dom, (counts.get(dom) ?? 0) + 1);
      const l = podsIn.get(dom) ?? [];
      l.push(t);
      podsIn.set(dom, l);
    }
    const dn = domainName(key);
    if (counts.size > 1) {
      const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const [target, inTarget] = sorted[0];
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      findings.push({
        rule: "placement-split",
        severity: "warning",
        message:
          `PodGang ${g.metadata.name} has PlacementScore ${score} with its pods split across ${counts.size} ${dn}s (${
            sorted.map(([d, n]) => `${d}: ${n}`).join(", ")
          }): traffic between roles crosses ${dn} boundaries`,
        objects: [g.metadata.name],
      });
      // move the role with the most pods outside the target domain
      const outside = sorted.slice(1).flatMap(([d]) => podsIn.get(d) ?? []);
      const roleCount = new Map<string, number>();
      for (const t of outside) roleCount.set(t.role, (roleCount.get(t.role) ?? 0) + 1);
      const role = [...roleCount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
      if (role) {
        const moving = outside.filter((t) => t.role === role);
        const { safe, blocked } = safeDeletions(c, moving);
        const held = blocked.map((b) =>
          `${b.pod} (podclique ${b.clique}: ${b.ready} ready, minAvailable ${b.min}${
            b.onlyReady ? `, the only ready ${b.role} pod of replica ${b.replica}` : ""
          })`
        );
        const after = inTarget + safe.length;
        if (safe.length) {
          recs.push({
            priority: 0,
            level: "medium",
            action:
              `consolidate ${g.metadata.name} into ${dn} ${target} (it holds ${inTarget} of ${total} pods): once ${target} has free GPUs (see kubectl grove topology ${c.pcs} -n ${c.namespace}), delete the ${role} pod(s) outside it so the operator recreates them and the scheduler packs them with the rest; their worker is down until they are back${
                held.length
                  ? `; not deleted, as that would take a clique below minAvailable: ${
                    held.join(", ")
                  }`
                  : ""
              }`,
            // Only the pods outside the target whose clique stays at or above minAvailable: a
            // `restart --role` would also recreate the pods already in place.
            command: `kubectl delete pod ${safe.map((t) => t.pod).join(" ")} -n ${c.namespace}`,
            expected:
              `${after} of ${total} pods in ${dn} ${target} once rescheduled there (PlacementScore rises; the scheduler computes the new value)`,
            rule: "placement-split",
          });
        } else {
          recs.push({
            priority: 0,
            level: "medium",
            action:
              `consolidate ${g.metadata.name} into ${dn} ${target} (it holds ${inTarget} of ${total} pods), but no ${role} pod outside it can be deleted without taking a clique below minAvailable, which starts the gang's termination clock: ${
                held.join(", ")
              }; free GPUs in ${target} first, then replace the pods in a maintenance window`,
            command: `kubectl grove topology ${c.pcs} -n ${c.namespace}`,
            expected: "none by itself: shows where GPUs are free",
            rule: "placement-split",
          });
        }
      }
    } else {
      findings.push({
        rule: "placement-low",
        severity: "info",
        message:
          `PodGang ${g.metadata.name} has PlacementScore ${score} although its pods share one ${dn}: the scheduler rates the placement below ${PLACEMENT_WARN}`,
        objects: [g.metadata.name],
      });
    }
  }
  return min;
}

/** Set replicas seen among the cliques and pods (at least 1). */
function setReplicas(c: MetricsCollected): number {
  const idx = new Set<string>();
  for (const q of c.cliques) {
    const i = q.metadata.labels?.["grove.io/podcliqueset-replica-index"];
    if (i !== undefined) idx.add(i);
  }
  for (const t of c.targets) idx.add(String(t.replica));
  return Math.max(1, idx.size);
}

/**
 * A `kubectl grove scale` to about `wanted` workers of a role in the whole
 * deployment. `scale --<role>=N` counts per set replica, so with several set
 * replicas N is rounded (up when adding, down when removing) and `total` says
 * what the deployment ends up with.
 */
function scaleTo(
  c: MetricsCollected,
  role: string,
  wanted: number,
  dir: "up" | "down" = "up",
): { command: string; total: number } {
  const sets = setReplicas(c);
  // A role inside a scaling group that holds other roles too scales with the
  // group: count group replicas, each bringing `unit` workers of the role.
  const roles = cliqueRoles(c.pcs, c.cliques);
  const member = c.cliques.find((q) => roles.get(q.metadata.name)?.role === role);
  const info = member ? roles.get(member.metadata.name) : undefined;
  const shared = info?.scalingGroup !== undefined &&
    [...roles.values()].some((x) => x.scalingGroup === info.scalingGroup && x.role !== role);
  const unit = shared ? (info!.groupWorker ? 1 : Math.max(1, member!.spec?.replicas ?? 1)) : 1;
  const perSet = wanted / sets / unit;
  const per = Math.max(1, dir === "up" ? Math.ceil(perSet) : Math.floor(perSet));
  const flag = shared ? info!.scalingGroup! : role;
  return {
    command: `kubectl grove scale ${c.pcs} -n ${c.namespace} --${flag}=${per}`,
    total: per * sets * unit,
  };
}

/**
 * Workers the cliques of a role ask for (their spec): replicas of standalone
 * cliques, plus scaling-group replicas that have member cliques. Null when no
 * clique of the role is known.
 */
function configuredWorkers(c: MetricsCollected, role: string): number | null {
  const roles = cliqueRoles(c.pcs, c.cliques);
  let standalone = 0;
  const groups = new Set<string>();
  let found = false;
  for (const q of c.cliques) {
    const info = roles.get(q.metadata.name);
    if (!info || info.role !== role) continue;
    found = true;
    const labels = q.metadata.labels ?? {};
    const sg = labels["grove.io/podcliquescalinggroup"];
    if (sg && info.groupWorker) {
      groups.add(`${sg}/${labels["grove.io/podcliquescalinggroup-replica-index"] ?? 0}`);
    } else standalone += q.spec?.replicas ?? 0;
  }
  return found ? standalone + groups.size : null;
}

/**
 * Builds the compare report from a collection (with `placement`).
 *
 * @example
 * ```ts ignore
 * import { buildCompareReport } from "./report.ts";
 * const r = buildCompareReport(collected, { now: new Date() });
 * if (r.status === "breach") Deno.exit(3);
 * ```
 */
export function buildCompareReport(c: MetricsCollected, opts: MetricsReportOptions): CompareReport {
  const m = buildMetricsReport(c, opts);
  const { plan } = readPlan(c.planConfigMap);
  const sla = m.sla;
  const rows: CompareRow[] = [];
  const findings: Finding[] = [];
  const recs: Recommendation[] = [];
  const t = m.total;

  // throughput per GPU
  const tpPlanned = plan?.expected.throughputPerGpu ?? null;
  const tpActual = t.outputTokensPerSecPerGpu;
  let tpStatus: RowStatus = "n/a";
  if (tpPlanned !== null && tpActual !== null) {
    const ratio = tpActual / tpPlanned;
    tpStatus = ratio >= 0.9 ? "ok" : ratio >= 0.7 ? "warn" : "breach";
  }
  rows.push({
    item: "throughputPerGpu",
    role: null,
    unit: "tok/s/GPU",
    planned: tpPlanned,
    sla: null,
    actual: tpActual,
    deltaPct: pct(tpActual, tpPlanned),
    status: tpStatus,
  });
  // latencies
  const lat = (
    item: "ttftP99" | "tpotP99",
    planned: number | null,
    limit: number | null,
    actual: number | null,
  ) => {
    let status: RowStatus = "n/a";
    if (actual !== null) {
      if (limit !== null) status = actual > limit ? "breach" : "ok";
      if (planned !== null) status = worse(status, actual > planned * 1.25 ? "warn" : "ok");
    }
    rows.push({
      item,
      role: null,
      unit: "ms",
      planned,
      sla: limit,
      actual,
      deltaPct: pct(actual, planned),
      status,
    });
  };
  lat("ttftP99", plan?.expected.ttftMs ?? null, sla.ttftMs, t.latencyMs.ttft?.p99 ?? null);
  lat("tpotP99", plan?.expected.tpotMs ?? null, sla.tpotMs, t.latencyMs.itl?.p99 ?? null);
  // placement
  const minScore = placementFindings(c, findings, recs);
  rows.push({
    item: "placementScore",
    role: null,
    unit: "score",
    planned: null,
    sla: PLACEMENT_WARN,
    actual: minScore,
    deltaPct: null,
    status: minScore === null ? "n/a" : minScore < PLACEMENT_WARN ? "warn" : "ok",
  });
  // workers and GPUs per role
  const servingRoles = m.roles.filter((r) => r.roleClass !== "frontend");
  const planClasses: RoleClass[] = plan
    ? (["prefill", "decode", "worker"] as RoleClass[]).filter((k) =>
      planFor(plan, k).workers !== undefined
    )
    : [];
  const seen = new Set<string>();
  for (const r of servingRoles) {
    const p = plan ? planFor(plan, r.roleClass) : {};
    const w = workerCounts(c.targets, r.role);
    const plannedW = p.workers ?? null;
    seen.add(r.roleClass);
    rows.push({
      item: "workers",
      role: r.role,
      unit: "count",
      planned: plannedW,
      sla: null,
      actual: w.ready,
      deltaPct: pct(w.ready, plannedW),
      status: plannedW === null
        ? "n/a"
        : w.ready < plannedW
        ? "breach"
        : w.ready > plannedW
        ? "warn"
        : "ok",
    });
    const plannedG = plannedW !== null && p.gpusPerWorker !== undefined
      ? plannedW * p.gpusPerWorker
      : null;
    rows.push({
      item: "gpus",
      role: r.role,
      unit: "count",
      planned: plannedG,
      sla: null,
      actual: r.gpus,
      deltaPct: pct(r.gpus, plannedG),
      status: plannedG === null ? "n/a" : r.gpus === plannedG ? "ok" : "warn",
    });
    if (plannedW !== null && w.ready < plannedW) {
      const pending = c.targets.filter((x) => x.role === r.role && x.phase === "Pending");
      findings.push({
        rule: "missing-workers",
        severity: "critical",
        message:
          `role ${r.role} has ${w.ready} ready worker(s) of ${plannedW} planned (${w.total} exist${
            pending.length ? `, ${pending.length} pod(s) Pending` : ""
          })`,
        objects: [r.role],
      });
      const configured = configuredWorkers(c, r.role);
      const up = scaleTo(c, r.role, plannedW);
      recs.push(
        w.total >= plannedW || pending.length
          ? {
            priority: 0,
            level: "high",
            action: `find out why ${r.role} pods are not ready (${
              pending.length ? "unschedulable or pending pods" : "not ready"
            })`,
            command: `kubectl grove health ${c.pcs} -n ${c.namespace}`,
            expected: "none by itself: names the cause (read-only)",
            rule: "missing-workers",
          }
          : configured !== null && configured >= plannedW
          ? {
            priority: 0,
            level: "high",
            action:
              `the ${r.role} cliques already ask for ${configured} worker(s) but only ${w.total} exist: find out why the operator has not created the missing pods (quota, admission, operator errors); scaling will not help`,
            command: `kubectl grove health ${c.pcs} -n ${c.namespace}`,
            expected: "none by itself: names the cause (read-only)",
            rule: "missing-workers",
          }
          : {
            priority: 0,
            level: "high",
            action: `scale ${r.role} to the planned ${plannedW} workers${
              up.total !== plannedW ? ` (${up.total} with ${setReplicas(c)} set replicas)` : ""
            }`,
            command: up.command,
            expected:
              `ready ${r.role} workers ${w.ready} -> ${up.total} once the new pods are ready${
                r.gpus && w.total
                  ? ` (+${Math.round(r.gpus / w.total * (up.total - w.total))} GPUs)`
                  : ""
              }`,
            rule: "missing-workers",
          },
      );
    }
    // scaling up cannot help while the role's own pods cannot start
    const blocked = c.targets.some((x) => x.role === r.role && x.phase === "Pending");
    roleRules(c, r, w.total, sla, findings, blocked ? [] : recs);
  }
  for (const k of planClasses) {
    if (!seen.has(k)) {
      findings.push({
        rule: "missing-workers",
        severity: "critical",
        message: `the plan has ${
          planFor(plan!, k).workers
        } ${k} worker(s) but no ${k} role was found`,
        objects: [],
      });
    }
  }
  // crash loops
  for (const x of c.targets.filter((x) => x.crashLooping)) {
    findings.push({
      rule: "crash-loop",
      severity: "critical",
      message: `pod ${x.pod} (role ${x.role}) is in CrashLoopBackOff after ${x.restarts} restarts`,
      objects: [x.pod],
    });
    recs.push({
      priority: 0,
      level: "high",
      action: `read why ${x.pod} crashes (previous container log)`,
      command: `kubectl logs ${x.pod} -n ${c.namespace} --previous --tail=100`,
      expected: "none by itself: shows why it exits (read-only)",
      rule: "crash-loop",
    });
  }
  // SLA breach without a specific cause
  const breached = rows.filter((r) =>
    (r.item === "ttftP99" || r.item === "tpotP99") && r.status === "breach"
  );
  if (breached.length && !findings.some((f) => f.severity !== "info")) {
    findings.push({
      rule: "sla-breach",
      severity: "warning",
      message: `${
        breached.map((r) => r.item === "ttftP99" ? "TTFT" : "TPOT").join(" and ")
      } p99 over the SLA without queueing, KV saturation or placement problems: the load may exceed what the plan was sized for`,
      objects: [],
    });
  }
  // one recommendation per command: merge the actions of duplicates
  const byCommand = new Map<string, Recommendation>();
  for (const x of recs) {
    const prev = byCommand.get(x.command);
    if (!prev) byCommand.set(x.command, x);
    else if (!prev.action.includes(x.action)) prev.action += `; ${x.action}`;
  }
  recs.length = 0;
  recs.push(...byCommand.values());
  const levelRank = { high: 0, medium: 1, low: 2 };
  recs.sort((a, b) => levelRank[a.level] - levelRank[b.level]);
  recs.forEach((r, i) => (r.priority = i + 1));
  let status: CompareReport["status"] = rows.some((r) => r.status === "breach")
    ? "breach"
    : rows.some((r) => r.status === "warn")
    ? "warn"
    : "ok";
  if (!plan && sla.source === "none" && status === "ok") status = "actuals-only";
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "CompareReport",
    pcs: c.pcs,
    namespace: c.namespace,
    generatedAt: opts.now.toISOString(),
    windowSeconds: m.windowSeconds,
    plan: plan ?? null,
    planHint: plan
      ? null
      : `no plan stored for ${c.pcs} (configmap ${c.pcs}-aic-plan): store one with: kubectl grove plan store ${c.pcs} -n ${c.namespace} -f <plan.json | aiconfigurator results dir>`,
    sla,
    rows,
    findings,
    recommendations: recs,
    status,
    metrics: m,
    notes: m.notes,
  };
}

function roleRules(
  c: MetricsCollected,
  r: RoleMetrics,
  workers: number,
  sla: MetricsReport["sla"],
  findings: Finding[],
  recs: Recommendation[],
): void {
  const prefillLike = r.roleClass === "prefill" || r.roleClass === "worker";
  const decodeLike = r.roleClass === "decode" || r.roleClass === "worker";
  const waiting = r.waiting ?? 0;
  const running = r.running ?? 0;
  // the mean, not p50: engines' first queue bucket is coarse and interpolation overestimates
  const queueMean = r.latencyMs.queue?.mean ?? 0;
  if (
    prefillLike && workers > 0 && waiting > 0 &&
    (waiting >= 0.25 * Math.max(running, 1) || queueMean > 100 || r.sla.ttft === "breach")
  ) {
    const add0 = Math.min(
      workers,
      Math.max(1, Math.ceil(workers * waiting / Math.max(running, 1))),
    );
    const to = scaleTo(c, r.role, workers + add0);
    const add = to.total - workers;
    findings.push({
      rule: "prefill-queueing",
      severity: "warning",
      message: `role ${r.role}: ${waiting} requests waiting against ${running} running${
        queueMean ? `, mean queue time ${fmtMs(queueMean)}` : ""
      }${r.latencyMs.ttft?.p99 !== undefined ? `, TTFT p99 ${fmtMs(r.latencyMs.ttft.p99)}` : ""}`,
      objects: [r.role],
    });
    recs.push({
      priority: 0,
      level: r.sla.ttft === "breach" ? "high" : "medium",
      action: `add ${add} ${r.role} worker(s) (${workers} -> ${workers + add}) to drain the queue`,
      command: to.command,
      expected: `${r.role} capacity ${workers} -> ${workers + add} workers (+${
        Math.round(add / workers * 100)
      }%); TTFT cannot be estimated from queue depth alone`,
      rule: "prefill-queueing",
    });
  }
  if (decodeLike && workers > 0 && r.kvUsage && r.kvUsage.max > 0.9) {
    const kvTo = scaleTo(
      c,
      r.role,
      Math.max(workers + 1, Math.ceil(workers * r.kvUsage.mean / 0.75)),
    );
    const target = kvTo.total;
    findings.push({
      rule: "decode-kv-saturation",
      severity: "warning",
      message: `role ${r.role}: KV cache ${Math.round(r.kvUsage.max * 100)}% full at peak (mean ${
        Math.round(r.kvUsage.mean * 100)
      }%): new requests wait or running ones are preempted`,
      objects: [r.role],
    });
    recs.push({
      priority: 0,
      level: r.sla.tpot === "breach" ? "high" : "medium",
      action: `add ${r.role} workers (${workers} -> ${target}) to bring KV-cache usage near 75%`,
      command: kvTo.command,
      expected: `KV-cache usage ~${Math.round(r.kvUsage.mean * workers / target * 100)}% (mean ${
        Math.round(r.kvUsage.mean * 100)
      }% spread over ${target} workers), at the same load`,
      rule: "decode-kv-saturation",
    });
  }
  const slaOk = r.sla.ttft !== "breach" && r.sla.tpot !== "breach";
  if (
    workers > 1 && waiting === 0 && r.kvUsage && r.kvUsage.max < 0.3 && slaOk &&
    r.scrapedPods === r.pods && (sla.source !== "none" || r.kvUsage.max < 0.15)
  ) {
    findings.push({
      rule: "under-used-role",
      severity: "info",
      message: `role ${r.role}: KV cache at most ${
        Math.round(r.kvUsage.max * 100)
      }% and no queue across ${workers} workers`,
      objects: [r.role],
    });
    const down = scaleTo(c, r.role, workers - 1, "down");
    if (down.total < workers) {
      recs.push({
        priority: 0,
        level: "low",
        action:
          `release GPUs: ${r.role} could run with fewer workers (${workers} -> ${down.total})`,
        command: down.command,
        expected: `${
          workers > 0 ? Math.round(r.gpus / workers * (workers - down.total)) : 0
        } GPUs freed; KV-cache usage ~${
          Math.round(r.kvUsage.mean * workers / Math.max(1, down.total) * 100)
        }% at the same load`,
        rule: "under-used-role",
      });
    }
  }
}
