/**
 * What the dashboard pushes to every open tab: one state per snapshot of
 * the shared watch, built by the other commands' own report builders
 * (status, health, rollout status) plus the overview rows derived from them.
 * Pure: snapshot and clock in, plain JSON-able objects out.
 *
 * @module
 */

import type { Pod, PodCliqueSet } from "../../lib/grove/types.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import { isPodReady, podGpus, podRestarts } from "../../lib/grove/relations.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { isPaused } from "../../lib/revisions/pause.ts";
import type { HealthReport } from "../health/report.ts";
import type { RolloutStatusReport } from "../rollout/status_report.ts";
import { describeProgressive } from "../progressive/state.ts";
import type { StatusReport } from "../status/report.ts";
import { tuiHealth, tuiRollouts, tuiStatus } from "../tui/reports.ts";
import type { TuiScope, TuiSnapshot } from "../tui/source.ts";

/** A termination countdown of one clique or scaling group below minAvailable. */
export interface Breach {
  /** PodClique or PodCliqueScalingGroup. */
  kind: string;
  /** Its name. */
  name: string;
  /** Gang it belongs to. */
  gang: string;
  /** When the operator terminates the gang (RFC 3339); the browser counts down to it. */
  deadline: string;
  /** Remaining at `generatedAt`, ms. */
  remainingMs: number;
  /** The deadline has passed. */
  expired: boolean;
}

/** One row of the Overview: one PodCliqueSet. */
export interface OverviewRow {
  /** Namespace. */
  namespace: string;
  /** PodCliqueSet name. */
  name: string;
  /** Status state (Ready, Degraded, Unhealthy, ...). */
  state: string;
  /** Replicas (gang sets). */
  replicas: { desired: number; available: number | null; updated: number | null };
  /** Pods ready / desired. */
  pods: { ready: number; desired: number };
  /** Lowest PodGang placement score; null when no gang is scored. */
  minPlacementScore: number | null;
  /** Cliques and scaling groups below minAvailable with their countdown, soonest first. */
  breaches: Breach[];
  /** Gangs that are not healthy. */
  gangsAtRisk: number;
  /** Issues found by health (crash loops, unschedulable pods, ...). */
  issues: number;
  /** An update is rolling. */
  updating: boolean;
  /** Paused by kubectl-grove (strategy OnDelete). */
  paused: boolean;
  /** Update strategy. */
  strategy: string;
  /** Phase of a progressive rollout, when one runs. */
  progressive?: string;
  /** Pods on the new template and ready / desired, while updating or paused. */
  rollout?: { updatedReady: number; desired: number };
  /** GPUs requested by its pods. */
  gpus: number;
  /** Roles of its cliques (restart by role). */
  roles: string[];
}

/** A watched kind the user may not read, or a stream that went stale. */
export interface Freshness {
  /** Snapshot number (0 for the first, then increasing). */
  sequence: number;
  /** When the snapshot arrived (RFC 3339). */
  receivedAt: string;
  /** Set while the watch is reconnecting. */
  stale?: { since: string; reason: string; retryInMs: number };
  /** Kinds that could not be read, in words. */
  missing: string[];
}

/** The document every tab receives over the event stream. */
export interface DashboardState {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `DashboardState`. */
  kind: "DashboardState";
  /** When it was built (RFC 3339); countdowns are relative to it. */
  generatedAt: string;
  /** Kubeconfig context and API server. */
  cluster: { context: string; server: string };
  /** Namespace, or every namespace. */
  scope: TuiScope;
  /** Actions are hidden and refused. */
  readOnly: boolean;
  /** Where the data stands. */
  freshness: Freshness;
  /** One row per PodCliqueSet. */
  overview: OverviewRow[];
  /** `kubectl grove status --all` (kept by the server for the views; not sent to tabs). */
  status?: StatusReport;
  /** `kubectl grove health --all` (kept by the server; not sent to tabs). */
  health?: HealthReport;
  /** Health totals (gangs healthy, degraded, unhealthy). */
  healthSummary?: HealthReport["summary"];
  /** `kubectl grove rollout status` of every set updating or paused. */
  rollouts?: RolloutStatusReport[];
  /** A progressive rollout's state in `rollout status` words, by `namespace/name`. */
  progressive: Record<string, string>;
  /** Why a report could not be built. */
  errors: Record<string, string>;
}

/** Inputs of {@link buildDashboardState} besides the snapshot. */
export interface StateContext {
  /** Scope of the watch. */
  scope: TuiScope;
  /** Context and server. */
  cluster: { context: string; server: string };
  /** `--read-only`. */
  readOnly: boolean;
  /** The present, epoch ms. */
  now: number;
  /** Set while the watch reconnects. */
  stale?: { since: number; reason: string; retryInMs: number };
}

/**
 * What tabs receive: the state without the full status and health reports
 * (views that need them ask the server, which builds them from the same
 * snapshot), so each change sends a fraction of the bytes.
 */
export function wireState(s: DashboardState): Omit<DashboardState, "status" | "health"> {
  const { status: _status, health: _health, ...wire } = s;
  return wire;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The dashboard's state for one snapshot.
 *
 * @example
 * ```ts ignore
 * const s = buildDashboardState(snapshot, { scope, cluster, readOnly: false, now: Date.now() });
 * console.log(s.overview.map((r) => `${r.name} ${r.minPlacementScore}`));
 * ```
 */
export function buildDashboardState(snap: TuiSnapshot, c: StateContext): DashboardState {
  const errors: Record<string, string> = {};
  const status = tuiStatus(snap, c.scope, c.now);
  if (status.error) errors.status = status.error;
  const health = tuiHealth(snap, c.scope, c.now);
  if (health.error) errors.health = health.error;
  const rollouts = status.report ? tuiRollouts(snap, status.report, c.now) : undefined;
  if (rollouts?.error) errors.rollouts = rollouts.error;
  return {
    apiVersion: "kubectl-grove.io/v1alpha1",
    kind: "DashboardState",
    generatedAt: iso(c.now),
    cluster: c.cluster,
    scope: c.scope,
    readOnly: c.readOnly,
    freshness: {
      sequence: snap.sequence,
      receivedAt: iso(snap.receivedAt),
      ...(c.stale
        ? {
          stale: {
            since: iso(c.stale.since),
            reason: c.stale.reason,
            retryInMs: c.stale.retryInMs,
          },
        }
        : {}),
      missing: snap.missing,
    },
    overview: status.report
      ? overviewRows(
        status.report,
        health.report,
        rollouts?.report ?? [],
        (snap.byKind.podcliquesets ?? []) as PodCliqueSet[],
        (snap.byKind.pods ?? []) as Pod[],
      )
      : [],
    status: status.report,
    health: health.report,
    healthSummary: health.report?.summary,
    rollouts: rollouts?.report,
    progressive: Object.fromEntries(
      (rollouts?.report ?? []).filter((r) => r.progressive !== undefined).map((r) => [
        `${r.namespace}/${r.name}`,
        describeProgressive(r.progressive),
      ]),
    ),
    errors,
  };
}

const key = (ns: string | undefined, name: string) => `${ns ?? ""}/${name}`;

/**
 * The Overview's rows: status per set, joined with health (scores,
 * countdowns, issues), the live objects (paused) and rollouts (progressive
 * phase). Sorted by namespace and name; the browser re-sorts.
 */
export function overviewRows(
  status: StatusReport,
  health: HealthReport | undefined,
  rollouts: RolloutStatusReport[],
  sets: PodCliqueSet[],
  pods: Pod[],
): OverviewRow[] {
  const setByKey = new Map(sets.map((s) => [key(s.metadata.namespace, s.metadata.name), s]));
  const gpus = new Map<string, number>();
  for (const p of pods) {
    const part = p.metadata.labels?.[LabelKeys.partOf];
    if (!part) continue;
    const k = key(p.metadata.namespace, part);
    gpus.set(k, (gpus.get(k) ?? 0) + podGpus(p));
  }
  const rows: OverviewRow[] = [];
  for (const s of status.podCliqueSets) {
    const k = key(s.namespace, s.name);
    const gangs = (health?.gangs ?? []).filter((g) =>
      g.namespace === s.namespace && g.pcs === s.name
    );
    const scores = [
      ...s.gangs.map((g) => g.placementScore),
      ...gangs.map((g) => g.placementScore),
    ].filter((x): x is number => typeof x === "number");
    const breaches: Breach[] = [];
    const seen = new Set<string>();
    for (const g of gangs) {
      for (const cd of g.countdowns ?? []) {
        if (seen.has(cd.name)) continue;
        seen.add(cd.name);
        breaches.push({
          kind: cd.kind,
          name: cd.name,
          gang: g.name,
          deadline: cd.deadline,
          remainingMs: cd.remainingMs,
          expired: cd.expired,
        });
      }
    }
    breaches.sort((a, b) => a.remainingMs - b.remainingMs);
    const pcs = setByKey.get(k);
    const ro = rollouts.find((r) => r.namespace === s.namespace && r.name === s.name);
    const prog = ro?.progressive as { phase?: unknown; kind?: unknown } | undefined;
    rows.push({
      namespace: s.namespace,
      name: s.name,
      state: s.state,
      replicas: s.replicas,
      pods: { ready: s.summary.podsReady, desired: s.summary.podsDesired },
      minPlacementScore: scores.length ? Math.min(...scores) : null,
      breaches,
      gangsAtRisk: gangs.filter((g) => g.status !== "Healthy").length,
      issues: gangs.reduce((n, g) => n + (g.issues?.length ?? 0), 0),
      updating: s.update.inProgress,
      paused: pcs ? isPaused(pcs) : false,
      strategy: s.update.strategy,
      ...(prog && typeof prog === "object"
        ? {
          progressive: [prog.kind, prog.phase].filter((x) => typeof x === "string").join(" ") ||
            "running",
        }
        : {}),
      gpus: gpus.get(k) ?? 0,
      roles: [...new Set(s.cliques.map((c) => c.role))].sort(),
      ...(ro
        ? { rollout: { updatedReady: ro.totals.updatedReady, desired: ro.totals.desired } }
        : {}),
    });
  }
  rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return rows;
}

/** One pod of the Set detail. */
export interface PodRow {
  /** Pod name. */
  name: string;
  /** PodClique it belongs to. */
  clique: string;
  /** Phase, or the waiting/terminated reason of a container (CrashLoopBackOff, ...). */
  phase: string;
  /** Ready condition. */
  ready: boolean;
  /** Container restarts. */
  restarts: number;
  /** Node, when scheduled. */
  node: string | null;
  /** GPUs requested. */
  gpus: number;
  /** Container names (for logs). */
  containers: string[];
  /** Some container has terminated before (previous logs exist). */
  hasPrevious: boolean;
  /** Creation time (RFC 3339). */
  createdAt?: string;
}

function podPhase(p: Pod): string {
  if (p.metadata.deletionTimestamp) return "Terminating";
  for (const cs of p.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting?.reason;
    if (w) return w;
    const t = cs.state?.terminated?.reason;
    if (t) return t;
  }
  return p.status?.phase ?? "Unknown";
}

/** The pods of one PodCliqueSet, by clique then name. */
export function podRows(objects: readonly KubeObject[], namespace: string, pcs: string): PodRow[] {
  return (objects as Pod[])
    .filter((p) =>
      p.metadata.namespace === namespace && p.metadata.labels?.[LabelKeys.partOf] === pcs
    )
    .map((p) => ({
      name: p.metadata.name,
      clique: p.metadata.labels?.[LabelKeys.podClique] ?? "",
      phase: podPhase(p),
      ready: isPodReady(p),
      restarts: podRestarts(p),
      node: p.spec?.nodeName ?? null,
      gpus: podGpus(p),
      containers: (p.spec?.containers ?? []).map((c) => c.name),
      hasPrevious: (p.status?.containerStatuses ?? []).some((c) =>
        (c.restartCount ?? 0) > 0 || c.lastState?.terminated !== undefined
      ),
      createdAt: p.metadata.creationTimestamp,
    }))
    .sort((a, b) => a.clique.localeCompare(b.clique) || a.name.localeCompare(b.name));
}

/** One event of the Set detail. */
export interface EventRow {
  /** Warning or Normal. */
  type: string;
  /** Reason. */
  reason: string;
  /** `kind/name` of the object. */
  object: string;
  /** Message. */
  message: string;
  /** Times seen. */
  count: number;
  /** Last seen (RFC 3339). */
  lastSeen: string | null;
}

/**
 * Events about a PodCliqueSet's objects (names starting with the set's),
 * Warning first, then newest first.
 */
export function eventRows(events: readonly KubeObject[], pcs: string): EventRow[] {
  type Ev = KubeObject & {
    type?: string;
    reason?: string;
    message?: string;
    count?: number;
    lastTimestamp?: string;
    eventTime?: string;
    involvedObject?: { kind?: string; name?: string };
    series?: { count?: number; lastObservedTime?: string };
  };
  const rows = (events as Ev[])
    .filter((e) => (e.involvedObject?.name ?? "").startsWith(pcs))
    .map((e) => ({
      type: e.type ?? "Normal",
      reason: e.reason ?? "",
      object: `${(e.involvedObject?.kind ?? "").toLowerCase()}/${e.involvedObject?.name ?? ""}`,
      message: e.message ?? "",
      count: e.series?.count ?? e.count ?? 1,
      lastSeen: e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ??
        e.metadata.creationTimestamp ?? null,
    }));
  rows.sort((a, b) =>
    (a.type === "Warning" ? 0 : 1) - (b.type === "Warning" ? 0 : 1) ||
    (b.lastSeen ?? "").localeCompare(a.lastSeen ?? "")
  );
  return rows;
}
