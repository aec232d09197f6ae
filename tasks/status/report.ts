/**
 * The status report: a pure function from the objects of one or more
 * PodCliqueSets (the PCS, its PodCliques, PodCliqueScalingGroups, PodGangs and
 * pods) to a typed, JSON-able {@link StatusReport}. This is what
 * `kubectl grove status -o json` prints and what the library's `status()`
 * returns.
 *
 * Every field of the input objects may be absent (an object the operator has
 * not reconciled yet, an older Grove version): the report then says what is
 * unknown instead of failing.
 *
 * @module
 */

import { draTemplateNotes } from "../../lib/topology/dra.ts";
import { gangPhase } from "../../lib/grove/gang_phase.ts";
import { strategyInfo } from "../../lib/grove/strategy.ts";
import { ageOf } from "../../lib/grove/duration.ts";
import { ConditionTypes, LabelKeys } from "../../lib/grove/labels.ts";
import { expectedCliques } from "../../lib/grove/expansion.ts";
import { baseGangName, parseCliqueName, parseGangName } from "../../lib/grove/names.ts";
import {
  cliqueRef,
  findCondition,
  isPodReady,
  isPodScheduled,
  isPodScheduleGated,
  isPodTerminated,
  podRef,
  terminationCountdown,
  terminationDelayMs,
} from "../../lib/grove/relations.ts";
import type {
  Condition,
  KubeObject,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodGang,
} from "../../lib/grove/types.ts";
import { type GroveObjects, selectGroveObjects } from "../../lib/grove/snapshot.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";

// ---------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------

/** What the report was asked about. */
export interface StatusScope {
  /** The PodCliqueSet asked for; absent with `--all`. */
  name?: string;
  /** The namespace; absent with `-A`. */
  namespace?: string;
  /** Every PodCliqueSet of the namespace (or of all namespaces). */
  all: boolean;
  /** All namespaces (`-A`). */
  allNamespaces: boolean;
}

/** The objects a status report is built from (what `collectStatus` returns). */
export interface StatusObjects extends GroveObjects {
  /** What was asked. */
  scope: StatusScope;
}

/** Options of {@link buildStatusReport}. */
export interface BuildStatusOptions {
  /** The present: ages and countdowns are computed against it. */
  now: Date | number;
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/** A condition, as shown in the report. */
export interface ConditionInfo {
  /** Condition type, e.g. `MinAvailableBreached`. */
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: string;
  /** CamelCase reason (may be empty). */
  reason: string;
  /** Message (may be empty). */
  message: string;
  /** RFC 3339 time of the last transition, when known. */
  lastTransitionTime?: string;
  /** Age of the last transition (`5m12s`), `<unknown>` when absent. */
  age: string;
}

/** A `status.lastErrors` entry. */
export interface LastErrorInfo {
  /** Error code, e.g. `ERR_SYNC_PODS`. */
  code: string;
  /** What went wrong. */
  description: string;
  /** When it was seen. */
  observedAt?: string;
  /** Age of `observedAt`. */
  age: string;
}

/** The rolling update of a PodCliqueSet, from `status.updateProgress`. */
export interface UpdateInfo {
  /** True while an update runs (started, not ended, or `UpdateInProgress=True`). */
  inProgress: boolean;
  /** Update strategy as written (`RollingRecreate` when unset; `OnDelete`, `Coherent`, or another value). */
  strategy: string;
  /** False for a strategy kubectl-grove does not know (shown as unknown, never as RollingRecreate). */
  strategyKnown: boolean;
  /** Coherent/RollingRecreate per-component `rollingUpdate.maxUnavailable`, when set. */
  maxUnavailable?: { component: string; kind: "clique" | "scalingGroup"; value: number }[];
  /** Coherent: the components in scope of the update (standalone cliques, scaling groups). */
  inScope?: string[];
  /** Coherent: PodGangs of the current sub-step per updating replica. */
  inFlightPodGangs?: string[];
  /** Errors the operator reports per updating replica. */
  replicaErrors?: string[];
  /** Start time. */
  startedAt?: string;
  /** End time (absent while in progress). */
  endedAt?: string;
  /** Time since the start (in progress) or since the end (done). */
  age?: string;
  /** PodCliques on the new generation. */
  updatedCliques?: number;
  /** PodCliques in total. */
  totalCliques?: number;
  /** Scaling groups on the new generation. */
  updatedScalingGroups?: number;
  /** Scaling groups in total. */
  totalScalingGroups?: number;
  /** Set replicas being updated now. */
  currentlyUpdating: number[];
  /** Fraction of cliques and groups updated (0..1), when the counts are known. */
  progress?: number;
}

/** When a clique or scaling group with `MinAvailableBreached=True` gets its gang terminated. */
export interface TerminationInfo {
  /** When the breach began. */
  since: string;
  /** since + terminationDelay. */
  deadline: string;
  /** Milliseconds left at `now` (negative when overdue). */
  remainingMs: number;
  /** True once the deadline passed (the operator terminates the gang). */
  expired: boolean;
}

/** One PodClique (one line per clique and set replica). */
export interface CliqueStatusInfo {
  /** PodClique name, e.g. `qwen-0-prefill-0-pworker`. */
  name: string;
  /** Template name, e.g. `pworker`. */
  template: string;
  /** Role (`spec.roleName`, else the template name). */
  role: string;
  /** PCS replica index. */
  replica?: number;
  /** Scaling group template name, for a member clique. */
  scalingGroup?: string;
  /** Scaling group replica index, for a member clique. */
  scalingGroupReplica?: number;
  /** PodGang its pods belong to. */
  gang?: string;
  /** False when the PCS spec calls for this clique but the PodClique does not exist (yet). */
  exists: boolean;
  /** Desired pods. */
  desired: number;
  /** Ready pods. */
  ready: number;
  /** Gang minimum. */
  minAvailable: number;
  /** Pods bound to a node. */
  scheduled: number;
  /** Pods still held by scheduling gates. */
  scheduleGated: number;
  /** Pods on the current template. */
  updated?: number;
  /** ready / desired (1 when nothing is desired). */
  progress: number;
  /** ready < minAvailable: the clique stands out. */
  belowMinAvailable: boolean;
  /** `MinAvailableBreached` is True (Grove's own view). */
  minAvailableBreached: boolean;
  /**
   * Below minAvailable because fewer than minAvailable pods are scheduled,
   * and not breached: Grove holds the breach (and the termination countdown)
   * until the pods are scheduled.
   */
  waitingForScheduling: boolean;
  /** Termination countdown while breached. */
  termination?: TerminationInfo;
  /** Distinct nodes its pods run on. */
  nodes: number;
  /** Pod template hash (status, else pods' label). */
  podTemplateHash?: string;
  /** Where the counts come from: the clique's status, or its pods when the status is missing. */
  countsFrom: "status" | "pods";
  /** Age of the PodClique. */
  age: string;
}

/** One PodCliqueScalingGroup (per set replica). */
export interface ScalingGroupStatusInfo {
  /** PCSG name, e.g. `qwen-0-prefill`. */
  name: string;
  /** Scaling group template name, e.g. `prefill`. */
  template: string;
  /** PCS replica index. */
  replica?: number;
  /** Desired group replicas. */
  desired: number;
  /** Group replicas available. */
  available?: number;
  /** Group replicas scheduled. */
  scheduled?: number;
  /** Group replicas that must be available. */
  minAvailable: number;
  /** available < minAvailable. */
  belowMinAvailable: boolean;
  /** `MinAvailableBreached` is True. */
  minAvailableBreached: boolean;
  /** Termination countdown while breached. */
  termination?: TerminationInfo;
}

/** One PodGang. */
export interface GangStatusInfo {
  /** PodGang name. */
  name: string;
  /** PCS replica index. */
  replica?: number;
  /** True for the base gang of a replica. */
  base: boolean;
  /** Scaling group template name, for a scaled gang. */
  scalingGroup?: string;
  /** False when the PodGang is expected (base gang of a replica) but does not exist. */
  exists: boolean;
  /** `Pending`, `Starting`, `Running`, ...; `Unknown` without status. */
  phase: string;
  /**
   * `pods` when the phase was read from the gang's pods (all bound and Ready) because the
   * scheduler backend writes no PodGang phase; absent when it is the phase written.
   */
  phaseFrom?: "pods";
  /** Network optimality 0..1 written by the scheduler, or null. */
  placementScore: number | null;
  /** Why the score is missing (null when present). */
  placementScoreReason: string | null;
  /** Pods referenced by the gang. */
  pods: number;
  /** Pods the gang needs placed together (sum of minReplicas). */
  minPods: number;
  /** Of its pods, how many are ready. */
  readyPods: number;
  /** Scheduler of its pods, when known. */
  scheduler?: string;
  /** Age of the PodGang. */
  age: string;
}

/** Counts over one PodCliqueSet (or the whole report). */
export interface StatusSummary {
  /** PodCliques (lines). */
  cliques: number;
  /** PodCliques with every desired pod ready. */
  cliquesReady: number;
  /** PodCliques below minAvailable. */
  cliquesBelowMin: number;
  /** Desired pods. */
  podsDesired: number;
  /** Ready pods. */
  podsReady: number;
  /** PodGangs. */
  gangs: number;
  /** PodGangs in phase Running. */
  gangsRunning: number;
}

/**
 * Overall state of a PodCliqueSet, for `--all` and for scripts, in the words
 * `health` uses for gangs: `Unhealthy` when a clique is below minAvailable
 * with its gang running or the breach clock started (termination ahead);
 * `Degraded` when every clique is at or above minAvailable but some pods are
 * not ready; `Updating` during a rolling update; `Starting` while gangs are
 * still being scheduled or brought up; `Ready` when every pod is ready.
 */
export type PcsState = "Ready" | "Starting" | "Updating" | "Degraded" | "Unhealthy" | "Unknown";

/** One PodCliqueSet. */
export interface PcsStatusInfo {
  /** Namespace. */
  namespace: string;
  /** Name. */
  name: string;
  /** Age (`2h15m`). */
  age: string;
  /** Creation time. */
  createdAt?: string;
  /** Overall state. */
  state: PcsState;
  /** Set replicas. */
  replicas: {
    /** spec.replicas. */
    desired: number;
    /** status.availableReplicas (null without status). */
    available: number | null;
    /** status.updatedReplicas (null without status). */
    updated: number | null;
  };
  /** Rolling update. */
  update: UpdateInfo;
  /** Conditions of the PCS. */
  conditions: ConditionInfo[];
  /** `status.lastErrors`. */
  lastErrors: LastErrorInfo[];
  /** One entry per clique and set replica. */
  cliques: CliqueStatusInfo[];
  /** Scaling groups per set replica. */
  scalingGroups: ScalingGroupStatusInfo[];
  /** PodGangs. */
  gangs: GangStatusInfo[];
  /** Counts. */
  summary: StatusSummary;
  /** Things the reader should know: missing status, stale status, unknown fields. */
  notes: string[];
}

/** The typed answer of `status` (`kind: StatusReport`). */
export interface StatusReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: "kubectl-grove.io/v1alpha1";
  /** `StatusReport`. */
  kind: "StatusReport";
  /** The `now` the report was computed at (RFC 3339). */
  generatedAt: string;
  /** What was asked. */
  scope: StatusScope;
  /** The PodCliqueSets, sorted by namespace and name. */
  podCliqueSets: PcsStatusInfo[];
  /** Counts over every PodCliqueSet of the report. */
  summary: StatusSummary & {
    /** PodCliqueSets. */
    podCliqueSets: number;
  };
}

// ---------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------

/**
 * Builds the status report from the objects of one or more PodCliqueSets.
 * Pure: the clock comes in as `now`.
 *
 * @example
 * ```ts
 * import { buildStatusReport } from "./report.ts";
 * const report = buildStatusReport({
 *   scope: { name: "demo", namespace: "default", all: false, allNamespaces: false },
 *   podCliqueSets: [{
 *     metadata: { name: "demo", namespace: "default" },
 *     spec: { replicas: 1, template: { cliques: [] } },
 *   }],
 *   podCliques: [], scalingGroups: [], podGangs: [], pods: [],
 * }, { now: new Date("2026-01-01T00:00:00Z") });
 * console.log(report.podCliqueSets[0].state); // "Unknown": the operator wrote no status yet
 * ```
 */
export function buildStatusReport(objects: StatusObjects, opts: BuildStatusOptions): StatusReport {
  const now = typeof opts.now === "number" ? opts.now : opts.now.getTime();
  const sets = [...objects.podCliqueSets].sort(byNamespaceName);
  const groups = groupByPcs(objects);
  const podCliqueSets = sets.map((pcs) =>
    buildPcs(pcs, groups.get(key(nsOf(pcs), pcs.metadata.name)) ?? emptyGroup(), now)
  );
  const summary = {
    podCliqueSets: podCliqueSets.length,
    ...sumSummaries(podCliqueSets.map((p) => p.summary)),
  };
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "StatusReport",
    generatedAt: iso(now),
    scope: { ...objects.scope },
    podCliqueSets,
    summary,
  };
}

interface PcsObjects {
  cliques: PodClique[];
  scalingGroups: PodCliqueScalingGroup[];
  gangs: PodGang[];
  pods: Pod[];
}

function emptyGroup(): PcsObjects {
  return { cliques: [], scalingGroups: [], gangs: [], pods: [] };
}

const key = (ns: string, name: string) => `${ns}/${name}`;
const nsOf = (o: KubeObject) => o.metadata?.namespace ?? "";

/** The PCS an object belongs to: its part-of label, else its PodCliqueSet owner. */
function pcsNameOf(o: KubeObject): string | undefined {
  return o.metadata?.labels?.[LabelKeys.partOf] ??
    o.metadata?.ownerReferences?.find((r) => r.kind === "PodCliqueSet")?.name;
}

function groupByPcs(objects: StatusObjects): Map<string, PcsObjects> {
  const out = new Map<string, PcsObjects>();
  const add = <K extends keyof PcsObjects>(kind: K, items: PcsObjects[K]) => {
    for (const o of items) {
      const pcs = pcsNameOf(o);
      if (!pcs) continue;
      const k = key(nsOf(o), pcs);
      let g = out.get(k);
      if (!g) out.set(k, g = emptyGroup());
      (g[kind] as KubeObject[]).push(o);
    }
  };
  add("cliques", objects.podCliques ?? []);
  add("scalingGroups", objects.scalingGroups ?? []);
  add("gangs", objects.podGangs ?? []);
  add("pods", objects.pods ?? []);
  return out;
}

function byNamespaceName(a: KubeObject, b: KubeObject): number {
  return nsOf(a).localeCompare(nsOf(b)) || a.metadata.name.localeCompare(b.metadata.name);
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function conditionInfo(c: Partial<Condition>, now: number): ConditionInfo {
  return {
    type: String(c.type ?? ""),
    status: String(c.status ?? "Unknown"),
    reason: String(c.reason ?? ""),
    message: String(c.message ?? ""),
    ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
    age: ageOf(c.lastTransitionTime, now),
  };
}

function countdown(
  obj: { status?: { conditions?: Condition[] } },
  delayMs: number | undefined,
  now: number,
): TerminationInfo | undefined {
  if (delayMs === undefined) return undefined;
  const c = terminationCountdown(obj, delayMs, now);
  return c
    ? { since: c.since, deadline: c.deadline, remainingMs: c.remainingMs, expired: c.expired }
    : undefined;
}

function safeDelay(pcs: PodCliqueSet, notes: string[]): number | undefined {
  try {
    return terminationDelayMs(pcs);
  } catch (e) {
    notes.push(`${(e as Error).message}; termination countdowns are not shown`);
    return undefined;
  }
}

function buildPcs(pcs: PodCliqueSet, objs: PcsObjects, now: number): PcsStatusInfo {
  const notes: string[] = [...draTemplateNotes(pcs as never)];
  const name = pcs.metadata.name;
  const st = pcs.status;
  const tpl = pcs.spec?.template;
  const sgTemplates = tpl?.podCliqueScalingGroups ?? [];
  const sgNames = sgTemplates.map((g) => g.name);
  const delayMs = safeDelay(pcs, notes);
  if (!st) notes.push("no status yet: the Grove operator has not reconciled this PodCliqueSet");
  else if (
    num(st.observedGeneration) !== undefined && num(pcs.metadata.generation) !== undefined &&
    st.observedGeneration! < pcs.metadata.generation!
  ) {
    notes.push(
      `status is behind the spec: generation ${pcs.metadata.generation}, observed ${st.observedGeneration} (the operator has not caught up)`,
    );
  }

  // Pods by clique and by gang.
  const live = objs.pods.filter((p) => !isPodTerminated(p));
  const podsByClique = new Map<string, Pod[]>();
  const podsByGang = new Map<string, Pod[]>();
  for (const p of live) {
    const ref = podRef(p);
    if (ref?.clique) push(podsByClique, ref.clique, p);
    if (ref?.gang) push(podsByGang, ref.gang, p);
  }

  const cliques = buildCliques(pcs, objs, podsByClique, delayMs, now, notes);
  const scalingGroups = buildScalingGroups(pcs, objs.scalingGroups, sgNames, delayMs, now);
  const gangs = buildGangs(pcs, objs.gangs, podsByGang, cliques, now);

  const update = buildUpdate(pcs, now);
  const summary: StatusSummary = {
    cliques: cliques.length,
    cliquesReady: cliques.filter((c) => c.exists && c.ready >= c.desired).length,
    cliquesBelowMin: cliques.filter((c) => c.belowMinAvailable).length,
    podsDesired: cliques.reduce((s, c) => s + c.desired, 0),
    podsReady: cliques.reduce((s, c) => s + c.ready, 0),
    gangs: gangs.length,
    gangsRunning: gangs.filter((g) => g.phase === "Running").length,
  };
  const replicas = {
    desired: num(pcs.spec?.replicas) ?? 0,
    available: st ? num(st.availableReplicas) ?? 0 : null,
    updated: st ? num(st.updatedReplicas) ?? 0 : null,
  };
  return {
    namespace: nsOf(pcs),
    name,
    age: ageOf(pcs.metadata.creationTimestamp, now),
    ...(pcs.metadata.creationTimestamp ? { createdAt: pcs.metadata.creationTimestamp } : {}),
    state: pcsState(!!st, replicas, update, cliques, scalingGroups, gangs),
    replicas,
    update,
    conditions: (st?.conditions ?? []).map((c) => conditionInfo(c, now)),
    lastErrors: (st?.lastErrors ?? []).map((e) => ({
      code: e.code ?? "",
      description: e.description ?? "",
      ...(e.observedAt ? { observedAt: e.observedAt } : {}),
      age: ageOf(e.observedAt, now),
    })),
    cliques,
    scalingGroups,
    gangs,
    summary,
    notes,
  };
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function buildCliques(
  pcs: PodCliqueSet,
  objs: PcsObjects,
  podsByClique: Map<string, Pod[]>,
  delayMs: number | undefined,
  now: number,
  notes: string[],
): CliqueStatusInfo[] {
  // Scaling group replicas come from the PCSG object when it exists (an HPA
  // or kubectl grove scale resizes the PCSG, not the PCS template).
  const slots = expectedCliques(pcs, { scalingGroups: objs.scalingGroups });
  const order = new Map(slots.map((s, i) => [s.name, i]));
  const slotByName = new Map(slots.map((s) => [s.name, s]));
  const sgNames = (pcs.spec?.template?.podCliqueScalingGroups ?? []).map((g) => g.name);
  const seen = new Set<string>();
  const out: CliqueStatusInfo[] = [];
  const noStatus: string[] = [];
  for (const pclq of objs.cliques) {
    const n = pclq.metadata.name;
    seen.add(n);
    const slot = slotByName.get(n);
    const ref = cliqueRef(pclq);
    const parsed = parseCliqueName(n, pcs.metadata.name, sgNames);
    const pods = podsByClique.get(n) ?? [];
    const st = pclq.status;
    // Each count falls back to the pods when the status (or the field, on older Grove) is absent.
    const fromPods = num(st?.readyReplicas) === undefined;
    if (fromPods) noStatus.push(n);
    const desired = num(pclq.spec?.replicas) ?? slot?.replicas ?? num(st?.replicas) ?? pods.length;
    const minAvailable = num(pclq.spec?.minAvailable) ?? slot?.minAvailable ?? desired;
    const ready = num(st?.readyReplicas) ?? pods.filter(isPodReady).length;
    const scheduled = num(st?.scheduledReplicas) ?? pods.filter(isPodScheduled).length;
    const gated = num(st?.scheduleGatedReplicas) ?? pods.filter(isPodScheduleGated).length;
    const breached = findCondition(pclq, ConditionTypes.minAvailableBreached)?.status === "True";
    const template = slot?.template ?? parsed?.clique ?? ref?.cliqueTemplate ?? n;
    const sgTemplate = slot?.scalingGroup ?? parsed?.scalingGroup ??
      sgTemplateFromFull(ref?.scalingGroup, pcs.metadata.name, ref?.replica);
    const hash = st?.currentPodTemplateHash ??
      pods.map((p) => p.metadata.labels?.[LabelKeys.podTemplateHash]).find((h) => h);
    const gang = slot?.gang ?? pods.map((p) => podRef(p)?.gang).find((g) => g) ??
      pclq.metadata.labels?.[LabelKeys.podGang];
    out.push({
      name: n,
      template,
      role: pclq.spec?.roleName || slot?.role || template,
      ...optional("replica", slot?.replica ?? ref?.replica ?? parsed?.replica),
      ...optional("scalingGroup", sgTemplate),
      ...optional(
        "scalingGroupReplica",
        slot?.scalingGroupReplica ?? ref?.scalingGroupReplica ?? parsed?.scalingGroupReplica,
      ),
      ...optional("gang", gang),
      exists: true,
      desired,
      ready,
      minAvailable,
      scheduled,
      scheduleGated: gated,
      ...optional("updated", num(st?.updatedReplicas)),
      progress: fraction(ready, desired),
      belowMinAvailable: ready < minAvailable,
      minAvailableBreached: breached,
      waitingForScheduling: ready < minAvailable && scheduled < minAvailable && !breached,
      ...optional("termination", breached ? countdown(pclq, delayMs, now) : undefined),
      nodes: new Set(pods.map((p) => p.spec?.nodeName).filter((x) => x)).size,
      ...optional("podTemplateHash", hash),
      countsFrom: fromPods ? "pods" : "status",
      age: ageOf(pclq.metadata.creationTimestamp, now),
    });
  }
  for (const s of slots) {
    if (seen.has(s.name)) continue;
    out.push({
      name: s.name,
      template: s.template,
      role: s.role,
      replica: s.replica,
      ...optional("scalingGroup", s.scalingGroup),
      ...optional("scalingGroupReplica", s.scalingGroupReplica),
      gang: s.gang,
      exists: false,
      desired: s.replicas,
      ready: 0,
      minAvailable: s.minAvailable,
      scheduled: 0,
      scheduleGated: 0,
      progress: fraction(0, s.replicas),
      belowMinAvailable: 0 < s.minAvailable,
      minAvailableBreached: false,
      waitingForScheduling: 0 < s.minAvailable,
      nodes: 0,
      countsFrom: "pods",
      age: "<none>",
    });
  }
  if (noStatus.length) {
    notes.push(
      `no ready count in the status of ${plural(noStatus.length, "PodClique")} (${
        noStatus.join(", ")
      }): counts come from their pods`,
    );
  }
  const missing = out.filter((c) => !c.exists).map((c) => c.name);
  if (missing.length) {
    notes.push(
      `${plural(missing.length, "PodClique")} not created yet: ${missing.join(", ")}`,
    );
  }
  const rank = (c: CliqueStatusInfo) => order.get(c.name) ?? Number.MAX_SAFE_INTEGER;
  return out.sort((a, b) =>
    rank(a) - rank(b) || (a.replica ?? 0) - (b.replica ?? 0) || a.name.localeCompare(b.name)
  );
}

function sgTemplateFromFull(
  full: string | undefined,
  pcs: string,
  replica: number | undefined,
): string | undefined {
  if (!full || replica === undefined) return undefined;
  const prefix = `${pcs}-${replica}-`;
  return full.startsWith(prefix) ? full.slice(prefix.length) : undefined;
}

function optional<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined || v === null ? {} : { [k]: v }) as { [P in K]?: V };
}

function fraction(part: number, whole: number): number {
  if (whole <= 0) return 1;
  return Math.round((part / whole) * 1e4) / 1e4;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function buildScalingGroups(
  pcs: PodCliqueSet,
  groups: PodCliqueScalingGroup[],
  sgNames: string[],
  delayMs: number | undefined,
  now: number,
): ScalingGroupStatusInfo[] {
  const name = pcs.metadata.name;
  return groups
    .map((g) => {
      const n = g.metadata.name;
      const replica = num(Number(g.metadata.labels?.[LabelKeys.pcsReplicaIndex] ?? NaN)) ??
        num(Number(/^(\d+)-/.exec(n.slice(name.length + 1))?.[1] ?? NaN));
      const template = sgTemplateFromFull(n, name, replica) ??
        sgNames.find((s) => n.endsWith(`-${s}`)) ?? n;
      const st = g.status;
      const desired = num(g.spec?.replicas) ?? 0;
      const minAvailable = num(g.spec?.minAvailable) ?? 1;
      const available = num(st?.availableReplicas);
      const breached = findCondition(g, ConditionTypes.minAvailableBreached)?.status === "True";
      return {
        name: n,
        template,
        ...optional("replica", replica),
        desired,
        ...optional("available", available),
        ...optional("scheduled", num(st?.scheduledReplicas)),
        minAvailable,
        belowMinAvailable: available !== undefined && available < minAvailable,
        minAvailableBreached: breached,
        ...optional("termination", breached ? countdown(g, delayMs, now) : undefined),
      };
    })
    .sort((a, b) => (a.replica ?? 0) - (b.replica ?? 0) || a.name.localeCompare(b.name));
}

function buildGangs(
  pcs: PodCliqueSet,
  gangs: PodGang[],
  podsByGang: Map<string, Pod[]>,
  cliques: CliqueStatusInfo[],
  now: number,
): GangStatusInfo[] {
  const name = pcs.metadata.name;
  const out: GangStatusInfo[] = gangs.map((g) => {
    const n = g.metadata.name;
    const parsed = parseGangName(n, name);
    const groups = Array.isArray(g.spec?.podgroups) ? g.spec.podgroups : [];
    const pods = podsByGang.get(n) ?? [];
    // Running also when the scheduler backend writes no phase but every pod is bound and Ready
    const { phase, source } = gangPhase(g, pods);
    const score = num(g.status?.placementScore) ?? null;
    const scheduler = pods.map((p) => p.spec?.schedulerName).find((s) => s);
    const replicaLabel = g.metadata.labels?.[LabelKeys.pcsReplicaIndex];
    return {
      name: n,
      ...optional(
        "replica",
        replicaLabel !== undefined && /^\d+$/.test(replicaLabel)
          ? Number(replicaLabel)
          : parsed?.replica,
      ),
      base: parsed ? parsed.base : !g.metadata.labels?.[LabelKeys.basePodGang],
      ...optional("scalingGroup", parsed?.scalingGroup),
      exists: true,
      phase,
      ...(source === "pods" ? { phaseFrom: "pods" as const } : {}),
      placementScore: score,
      placementScoreReason: score !== null ? null : scoreReason(g, phase, scheduler),
      pods: groups.reduce((s, pg) => s + (pg.podReferences?.length ?? 0), 0) || pods.length,
      minPods: groups.reduce((s, pg) => s + (num(pg.minReplicas) ?? 0), 0),
      readyPods: pods.filter(isPodReady).length,
      ...optional("scheduler", scheduler),
      age: ageOf(g.metadata.creationTimestamp, now),
    };
  });
  // Base gangs of replicas that have cliques are expected even before the operator creates them.
  const have = new Set(out.map((g) => g.name));
  const expectedBase = [
    ...new Set(
      cliques.filter((c) => c.replica !== undefined).map((c) => baseGangName(name, c.replica!)),
    ),
  ];
  for (const b of expectedBase) {
    if (have.has(b)) continue;
    out.push({
      name: b,
      replica: Number(b.slice(name.length + 1)),
      base: true,
      exists: false,
      phase: "NotCreated",
      placementScore: null,
      placementScoreReason: "the PodGang does not exist yet",
      pods: 0,
      minPods: 0,
      readyPods: 0,
      age: "<none>",
    });
  }
  const rank = (g: GangStatusInfo) => (g.base ? 0 : 1);
  return out.sort((a, b) =>
    (a.replica ?? 0) - (b.replica ?? 0) || rank(a) - rank(b) ||
    (a.scalingGroup ?? "").localeCompare(b.scalingGroup ?? "") ||
    a.name.localeCompare(b.name, undefined, { numeric: true })
  );
}

function scoreReason(g: PodGang, phase: string, scheduler: string | undefined): string {
  if (!g.status) return "no status yet: no scheduler has picked this gang up";
  if (phase === "Pending" || phase === "Unknown") return "not scheduled yet";
  return scheduler ? `not written by the scheduler (${scheduler})` : "not written by the scheduler";
}

function buildUpdate(pcs: PodCliqueSet, now: number): UpdateInfo {
  const up = pcs.status?.updateProgress;
  const cond = findCondition(pcs, ConditionTypes.updateInProgress);
  const started = up?.updateStartedAt;
  const ended = up?.updateEndedAt;
  const inProgress = (!!started && !ended) || cond?.status === "True";
  const uc = num(up?.updatedPodCliquesCount);
  const tc = num(up?.totalPodCliquesCount);
  const ug = num(up?.updatedPodCliqueScalingGroupsCount);
  const tg = num(up?.totalPodCliqueScalingGroupsCount);
  const total = (tc ?? 0) + (tg ?? 0);
  const done = (uc ?? 0) + (ug ?? 0);
  const si = strategyInfo(pcs);
  const inScope = [
    ...(up?.updatedStandalonePodCliques ?? []),
    ...(up?.updatedPodCliqueScalingGroups ?? []),
  ];
  const inFlight = (up?.currentlyUpdating ?? []).flatMap((c) => c?.inFlightPodGangs ?? []);
  const errs = (up?.currentlyUpdating ?? []).filter((c) => c?.errorMessage).map((c) =>
    `replica ${c.replicaIndex}: ${c.errorMessage}`
  );
  return {
    inProgress,
    strategy: si.type,
    strategyKnown: si.known,
    ...(si.maxUnavailable.length ? { maxUnavailable: si.maxUnavailable } : {}),
    ...(inScope.length ? { inScope } : {}),
    ...(inFlight.length ? { inFlightPodGangs: inFlight } : {}),
    ...(errs.length ? { replicaErrors: errs } : {}),
    ...optional("startedAt", started),
    ...optional("endedAt", ended),
    ...optional(
      "age",
      inProgress
        ? (started ? ageOf(started, now) : undefined)
        : ended
        ? ageOf(ended, now)
        : undefined,
    ),
    ...optional("updatedCliques", uc),
    ...optional("totalCliques", tc),
    ...optional("updatedScalingGroups", ug),
    ...optional("totalScalingGroups", tg),
    currentlyUpdating: (up?.currentlyUpdating ?? [])
      .map((c) => num(c?.replicaIndex))
      .filter((x): x is number => x !== undefined),
    ...optional("progress", total > 0 ? fraction(done, total) : undefined),
  };
}

function pcsState(
  hasStatus: boolean,
  replicas: PcsStatusInfo["replicas"],
  update: UpdateInfo,
  cliques: CliqueStatusInfo[],
  groups: ScalingGroupStatusInfo[],
  gangs: GangStatusInfo[],
): PcsState {
  if (!hasStatus && cliques.every((c) => !c.exists)) return "Unknown";
  const gangPhase = new Map(gangs.map((g) => [g.name, g.phase]));
  const below = cliques.filter((c) => c.belowMinAvailable);
  const unhealthy =
    below.some((c) => c.minAvailableBreached || gangPhase.get(c.gang ?? "") === "Running") ||
    groups.some((g) => g.minAvailableBreached);
  if (unhealthy) return "Unhealthy";
  if (update.inProgress) return "Updating";
  const starting = below.length > 0 || gangs.some((g) => g.phase !== "Running") ||
    (replicas.available !== null && replicas.available < replicas.desired);
  if (starting) return "Starting";
  if (cliques.some((c) => c.exists && c.ready < c.desired)) return "Degraded";
  return "Ready";
}

function sumSummaries(list: StatusSummary[]): StatusSummary {
  const z: StatusSummary = {
    cliques: 0,
    cliquesReady: 0,
    cliquesBelowMin: 0,
    podsDesired: 0,
    podsReady: 0,
    gangs: 0,
    gangsRunning: 0,
  };
  for (const s of list) for (const k of Object.keys(z) as (keyof StatusSummary)[]) z[k] += s[k];
  return z;
}

// ---------------------------------------------------------------------------
// Selecting objects (what the server's selectors do), for tests and replays
// ---------------------------------------------------------------------------

/**
 * Picks from a flat list of objects (a fixture scenario, a diag bundle) what
 * `collectStatus` would list for `scope`: the PodCliqueSets asked for and the
 * objects labelled `app.kubernetes.io/part-of` one of them.
 *
 * @example
 * ```ts
 * import { selectStatusObjects } from "./report.ts";
 * const objs = selectStatusObjects([], { name: "demo", namespace: "default", all: false, allNamespaces: false });
 * console.log(objs.podCliqueSets.length); // 0
 * ```
 */
export function selectStatusObjects(objects: KubeObject[], scope: StatusScope): StatusObjects {
  return {
    scope,
    ...selectGroveObjects(objects, {
      namespace: scope.allNamespaces ? undefined : scope.namespace,
      name: scope.all ? undefined : scope.name,
    }),
  };
}
