/**
 * The pure step of `health`: objects + `now` -> one block per PodGang with
 * its cliques against minAvailable, the issues found (pending pods and why,
 * crash loops, scheduling failures) and the countdown to gang termination.
 *
 * The countdown depends only on `now` and the objects, so `--watch` rebuilds
 * the report every second from the last objects without new requests.
 *
 * @module
 */

import { gangPhase } from "../../lib/grove/gang_phase.ts";
import { draTemplateNotes } from "../../lib/topology/dra.ts";
import { GroveError } from "../../lib/errors.ts";
import { formatDuration, rfc3339 } from "../../lib/grove/duration.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import { baseGangName } from "../../lib/grove/names.ts";
import { expectedCliques, expectedGangs } from "../../lib/grove/expansion.ts";
import {
  cliqueMinAvailable,
  cliqueRef,
  cliqueRole,
  crashLoops,
  isPodReady,
  isPodScheduled,
  isPodScheduleGated,
  isPodTerminated,
  podDisplayStatus,
  podRef,
  terminationCountdown,
  terminationDelayMs,
  unschedulableReason,
} from "../../lib/grove/relations.ts";
import type {
  Event,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodGang,
} from "../../lib/grove/types.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import type { HealthObjects } from "./collect.ts";

/**
 * Health of a gang. `Starting`: never available yet (PodGang Pending or Starting, no
 * MinAvailableBreached clock running), as `status` calls such a set.
 */
export type GangStatus = "Healthy" | "Starting" | "Degraded" | "UNHEALTHY";

/** Verdict on a clique: all desired pods ready, at least minAvailable, or below it. */
export type CliqueVerdict = "ok" | "degraded" | "BREACHED";

/** Countdown to gang termination for an object with MinAvailableBreached=True. */
export interface CountdownView {
  /** `PodClique` or `PodCliqueScalingGroup`. */
  kind: "PodClique" | "PodCliqueScalingGroup";
  /** Object name. */
  name: string;
  /** When MinAvailableBreached became True (RFC 3339). */
  since: string;
  /** terminationDelay in milliseconds. */
  delayMs: number;
  /** terminationDelay as written (`4h`, `1h`). */
  delay: string;
  /** since + delay (RFC 3339). */
  deadline: string;
  /** Time left at the report's `generatedAt` (negative once past). */
  remainingMs: number;
  /** True when the deadline has passed: termination is imminent. */
  expired: boolean;
}

/** One clique of a gang. */
export interface CliqueHealth {
  /** PodClique name. */
  name: string;
  /** Role. */
  role: string;
  /** Desired pods. */
  replicas: number;
  /** Ready pods. */
  ready: number;
  /** Pods bound to a node. */
  scheduled: number;
  /** minAvailable. */
  minAvailable: number;
  /** Verdict. */
  verdict: CliqueVerdict;
  /** Countdown when MinAvailableBreached is True. */
  countdown?: CountdownView;
}

/** A problem found in a gang. */
export interface HealthIssue {
  /** Kind of issue. */
  kind:
    | "Unschedulable"
    | "Pending"
    | "ScheduleGated"
    | "CrashLoop"
    | "NotReady"
    | "FailedScheduling"
    | "MissingPodClique"
    | "MissingPods"
    | "NoStatus"
    | "Event";
  /** The object, as `pod/<name>` or `podclique/<name>`. */
  object: string;
  /** What is wrong, with the reason. */
  message: string;
  /** Restarts (crash loops) or event count (FailedScheduling). */
  count?: number;
}

/** One PodGang. */
export interface GangHealth {
  /** PodGang name. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** PodCliqueSet. */
  pcs: string;
  /** `status.phase`; `Unknown` when the PodGang has no status yet, `NotCreated` when it does not exist yet. */
  phase: string;
  /** Placement score, when written. */
  placementScore?: number;
  /** Verdict. */
  status: GangStatus;
  /** Cliques. */
  cliques: CliqueHealth[];
  /** Countdowns (cliques and the scaling groups of a base gang), soonest first. */
  countdowns: CountdownView[];
  /** Issues. */
  issues: HealthIssue[];
}

/** One PodCliqueSet's line of `health --all`. */
export interface SetHealth {
  /** Namespace. */
  namespace: string;
  /** PodCliqueSet. */
  name: string;
  /** Gangs. */
  gangs: number;
  /** Healthy gangs. */
  healthy: number;
  /** Worst gang verdict. */
  status: GangStatus;
  /** Lowest PlacementScore of its gangs (null: none written). */
  lowestPlacementScore: number | null;
}

/** Per-set lines from the gang blocks, in first-seen order. */
function setsOf(gangs: readonly GangHealth[]): SetHealth[] {
  const out = new Map<string, SetHealth>();
  const rank: Record<GangStatus, number> = { Healthy: 0, Starting: 1, Degraded: 2, UNHEALTHY: 3 };
  for (const g of gangs) {
    const key = `${g.namespace}/${g.pcs}`;
    const s = out.get(key) ?? {
      namespace: g.namespace,
      name: g.pcs,
      gangs: 0,
      healthy: 0,
      status: "Healthy" as GangStatus,
      lowestPlacementScore: null,
    };
    s.gangs++;
    if (g.status === "Healthy") s.healthy++;
    if (rank[g.status] > rank[s.status]) s.status = g.status;
    if (g.placementScore !== undefined) {
      s.lowestPlacementScore = s.lowestPlacementScore === null
        ? g.placementScore
        : Math.min(s.lowestPlacementScore, g.placementScore);
    }
    out.set(key, s);
  }
  return [...out.values()];
}

/** The answer of `health` (`-o json`). */
export interface HealthReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `HealthReport`. */
  kind: "HealthReport";
  /** `now` of the report. */
  generatedAt: string;
  /** True when every gang is Healthy. */
  healthy: boolean;
  /** One block per PodGang. */
  gangs: GangHealth[];
  /** `--all` (no PodCliqueSet named): per set, its gangs, healthy gangs and lowest PlacementScore. */
  sets?: SetHealth[];
  /** Totals. */
  summary: {
    /** PodCliqueSets checked. */
    podCliqueSets: number;
    /** Gangs. */
    gangs: number;
    /** Healthy gangs. */
    healthy: number;
    /** Degraded gangs. */
    degraded: number;
    /** Unhealthy gangs. */
    unhealthy: number;
    /** Gangs not available yet (never Running, no termination clock). */
    starting: number;
    /** Gangs that are not healthy (`namespace/name`). */
    atRisk: string[];
    /** The soonest termination countdown, if any. */
    nextTermination?: { gang: string; object: string; remainingMs: number; deadline: string };
  };
  /** Remarks (missing data). */
  notes: string[];
}

/** Options of {@link buildHealthReport}. */
export interface HealthReportOptions {
  /** The present. */
  now: Date | number;
  /** One PodCliqueSet (must exist); undefined checks all. */
  pcs?: string;
  /** Which events become issues: `warning` (default) or `all` (Normal too, after the Warnings). */
  events?: "warning" | "all";
}

const k = (ns: string | undefined, name: string) => `${ns ?? ""}/${name}`;

function countdownView(
  kind: CountdownView["kind"],
  obj: PodClique | PodCliqueScalingGroup,
  delayMs: number,
  now: number,
): CountdownView | undefined {
  const c = terminationCountdown(obj, delayMs, now);
  if (!c) return undefined;
  return {
    kind,
    name: obj.metadata.name,
    since: c.since,
    delayMs,
    delay: formatDuration(delayMs),
    deadline: c.deadline,
    remainingMs: c.remainingMs,
    expired: c.expired,
  };
}

function lastEventTime(e: Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  const n = t ? Date.parse(t) : NaN;
  return Number.isNaN(n) ? 0 : n;
}

/**
 * Builds the health report. Throws a {@link GroveError} when `opts.pcs`
 * names a PodCliqueSet that is not among the objects.
 *
 * @example
 * ```ts ignore
 * import { buildHealthReport } from "./report.ts";
 * const r = buildHealthReport(objects, { now: Date.now(), pcs: "qwen" });
 * r.healthy; // false when any gang is Degraded or UNHEALTHY
 * ```
 */
export function buildHealthReport(objects: HealthObjects, opts: HealthReportOptions): HealthReport {
  const now = typeof opts.now === "number" ? opts.now : opts.now.getTime();
  const pcsList = objects.podCliqueSets
    .filter((p) => !opts.pcs || p.metadata.name === opts.pcs)
    .sort((a, b) =>
      k(a.metadata.namespace, a.metadata.name).localeCompare(
        k(b.metadata.namespace, b.metadata.name),
      )
    );
  if (opts.pcs && pcsList.length === 0) {
    const where = objects.namespace ? ` in namespace "${objects.namespace}"` : "";
    throw new GroveError(`podcliqueset "${opts.pcs}" not found${where}`, {
      hint: `list them with: kubectl get podcliquesets${
        objects.namespace ? ` -n ${objects.namespace}` : " -A"
      }`,
    });
  }
  const notes = [...objects.missing];

  // Index pods by clique and by gang.
  const podsByClique = new Map<string, Pod[]>();
  const podsByGang = new Map<string, Pod[]>();
  for (const p of objects.pods) {
    if (isPodTerminated(p)) continue;
    const ref = podRef(p);
    if (!ref) continue;
    if (ref.clique) {
      const key = k(p.metadata.namespace, ref.clique);
      podsByClique.set(key, [...(podsByClique.get(key) ?? []), p]);
    }
    if (ref.gang) {
      const key = k(p.metadata.namespace, ref.gang);
      podsByGang.set(key, [...(podsByGang.get(key) ?? []), p]);
    }
  }
  const cliqueByName = new Map(
    objects.podCliques.map((c) => [k(c.metadata.namespace, c.metadata.name), c]),
  );
  const gangByName = new Map(
    objects.podGangs.map((g) => [k(g.metadata.namespace, g.metadata.name), g]),
  );
  // Events by involved object: Warnings first; Normal ones only with events "all".
  const eventsFor = new Map<string, Event[]>();
  const allEvents = opts.events === "all";
  let hiddenNormal = 0;
  const ordered = [...objects.events].sort((a, b) =>
    (a.type === "Warning" ? 0 : 1) - (b.type === "Warning" ? 0 : 1)
  );
  for (const e of ordered) {
    const io = e.involvedObject;
    if (!io?.name) continue;

    const key = `${io.kind ?? ""}/${k(io.namespace ?? e.metadata.namespace, io.name)}`;
    eventsFor.set(key, [...(eventsFor.get(key) ?? []), e]);
  }
  /** The events of an object to report: Warnings, plus Normal ones with events "all". */
  const eventsOf = (key: string): Event[] => {
    const l = eventsFor.get(key) ?? [];
    if (allEvents) return l;
    hiddenNormal += l.filter((e) => e.type !== "Warning").length;
    return l.filter((e) => e.type === "Warning");
  };

  const gangs: GangHealth[] = [];
  for (const pcs of pcsList) {
    const ns = pcs.metadata.namespace ?? "";
    let delayMs: number;
    let delayNote: string | undefined;
    try {
      delayMs = terminationDelayMs(pcs);
    } catch (e) {
      delayMs = terminationDelayMs(undefined);
      delayNote = `${(e as Error).message}; using the default 4h`;
    }
    if (delayNote) notes.push(delayNote);
    const expected = expectedCliques(pcs, { scalingGroups: objects.scalingGroups });
    const names = new Set<string>();
    const ordered: string[] = [];
    const add = (n: string) => {
      if (!names.has(n)) {
        names.add(n);
        ordered.push(n);
      }
    };
    for (const g of expectedGangs(pcs, { scalingGroups: objects.scalingGroups })) add(g.name);
    for (const g of objects.podGangs) {
      if ((g.metadata.namespace ?? "") !== ns) continue;
      if (g.metadata.labels?.[LabelKeys.partOf] === pcs.metadata.name) add(g.metadata.name);
    }
    for (const gangName of ordered) {
      const gang = gangByName.get(k(ns, gangName));
      const gangPods = podsByGang.get(k(ns, gangName)) ?? [];
      if (!gang && gangPods.length === 0) {
        // Expected but neither PodGang nor pods exist: a scale-up in progress or a stuck operator.
        gangs.push({
          name: gangName,
          namespace: ns,
          pcs: pcs.metadata.name,
          phase: "NotCreated",
          status: "Degraded",
          cliques: [],
          countdowns: [],
          issues: [{
            kind: "MissingPods",
            object: `podgang/${gangName}`,
            message:
              "PodGang and pods not created yet: check the Grove operator (kubectl grove logs operator)",
          }],
        });
        continue;
      }
      gangs.push(gangHealth(pcs, gangName, gang, gangPods, expected, delayMs, now));
    }
  }

  function gangHealth(
    pcs: PodCliqueSet,
    gangName: string,
    gang: PodGang | undefined,
    gangPods: Pod[],
    expected: ReturnType<typeof expectedCliques>,
    delayMs: number,
    now: number,
  ): GangHealth {
    const ns = pcs.metadata.namespace ?? "";
    // Cliques of the gang: PodGang pod groups, else expected, else pods' labels.
    const cliqueNames: string[] = [];
    const addC = (n: string) => !cliqueNames.includes(n) && cliqueNames.push(n);
    for (const g of gang?.spec?.podgroups ?? []) addC(g.name);
    for (const c of expected) if (c.gang === gangName) addC(c.name);
    for (const p of gangPods) {
      const c = p.metadata.labels?.[LabelKeys.podClique];
      if (c) addC(c);
    }
    const issues: HealthIssue[] = [];
    const countdowns: CountdownView[] = [];
    const cliques: CliqueHealth[] = [];
    for (const cn of cliqueNames) {
      const obj = cliqueByName.get(k(ns, cn));
      const exp = expected.find((c) => c.name === cn);
      const group = gang?.spec?.podgroups?.find((g) => g.name === cn);
      const pods = podsByClique.get(k(ns, cn)) ?? [];
      const replicas = obj?.spec?.replicas ?? exp?.replicas ?? pods.length;
      const minAvailable = obj
        ? cliqueMinAvailable(obj)
        : exp?.minAvailable ?? group?.minReplicas ?? replicas;
      const ready = pods.filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp).length;
      const scheduled = pods.filter(isPodScheduled).length;
      const countdown = obj ? countdownView("PodClique", obj, delayMs, now) : undefined;
      if (countdown) countdowns.push(countdown);
      const verdict: CliqueVerdict = ready < minAvailable || countdown
        ? "BREACHED"
        : ready < replicas
        ? "degraded"
        : "ok";
      cliques.push({
        name: cn,
        role: obj
          ? cliqueRole(obj)
          : exp?.role ?? cliqueRef({ metadata: { name: cn } })?.cliqueTemplate ?? cn,
        replicas,
        ready,
        scheduled,
        minAvailable,
        verdict,
        countdown,
      });
      if (!obj && (exp || group)) {
        issues.push({
          kind: "MissingPodClique",
          object: `podclique/${cn}`,
          message: "PodClique object not found: the operator has not created it yet",
        });
      }
      if (obj && !obj.status) {
        issues.push({
          kind: "NoStatus",
          object: `podclique/${cn}`,
          message:
            "no status yet (the operator has not reconciled it): ready pods counted from the pods; a MinAvailableBreached countdown cannot be known",
        });
      }
      if (pods.length < replicas && obj) {
        issues.push({
          kind: "MissingPods",
          object: `podclique/${cn}`,
          message: `${pods.length} of ${replicas} pods exist`,
        });
      }
      for (const p of [...pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
        issues.push(...podIssues(p, ns));
      }
      for (const e of eventsOf(`PodClique/${k(ns, cn)}`)) {
        issues.push(eventIssue(e, `podclique/${cn}`));
      }
    }
    // Scaling groups: a breach of a group's minAvailable terminates the base gang's replica.
    const replica = podRef(gangPods[0] ?? { metadata: { name: "" } })?.replica ??
      (gang ? cliqueRef(gang)?.replica : undefined);
    for (const sg of objects.scalingGroups) {
      if ((sg.metadata.namespace ?? "") !== ns) continue;
      if (sg.metadata.labels?.[LabelKeys.partOf] !== pcs.metadata.name) continue;
      const sgReplica = Number(sg.metadata.labels?.[LabelKeys.pcsReplicaIndex]);
      const r = Number.isFinite(sgReplica) ? sgReplica : replica;
      if (r === undefined || baseGangName(pcs.metadata.name, r) !== gangName) continue;
      const c = countdownView("PodCliqueScalingGroup", sg, delayMs, now);
      if (c) countdowns.push(c);
    }
    for (const kind of ["PodGang"]) {
      for (const e of eventsOf(`${kind}/${k(ns, gangName)}`)) {
        issues.push(eventIssue(e, `podgang/${gangName}`));
      }
    }
    countdowns.sort((a, b) => a.remainingMs - b.remainingMs);
    // Running also when the scheduler backend writes no phase but every pod is bound and Ready
    const phase = gang ? gangPhase(gang, gangPods).phase : "NotCreated";
    if (gang && !gang.status?.phase && phase !== "Running") {
      issues.push({
        kind: "NoStatus",
        object: `podgang/${gangName}`,
        message:
          "no status yet (the scheduler has not reported on it): phase and placement score unknown",
      });
    }
    const unhealthy = countdowns.length > 0 || cliques.some((c) => c.verdict === "BREACHED") ||
      phase === "Failed";
    // never available yet: below minAvailable only because it is still coming up
    const starting = countdowns.length === 0 && (phase === "Pending" || phase === "Starting");
    const degraded = !unhealthy &&
      (phase !== "Running" || issues.length > 0 || cliques.some((c) => c.verdict !== "ok"));
    return {
      name: gangName,
      namespace: ns,
      pcs: pcs.metadata.name,
      phase,
      placementScore: typeof gang?.status?.placementScore === "number"
        ? gang.status.placementScore
        : undefined,
      status: starting ? "Starting" : unhealthy ? "UNHEALTHY" : degraded ? "Degraded" : "Healthy",
      cliques,
      countdowns,
      issues,
    };
  }

  function podIssues(p: Pod, ns: string): HealthIssue[] {
    const out: HealthIssue[] = [];
    const obj = `pod/${p.metadata.name}`;
    const podEvents = eventsOf(`Pod/${k(ns, p.metadata.name)}`);
    const events = podEvents
      .filter((e) => e.reason === "FailedScheduling")
      .sort((a, b) => lastEventTime(b) - lastEventTime(a));
    const failed = events[0];
    const failedCount = events.reduce((s, e) => s + (e.count ?? 1), 0);
    if (!isPodScheduled(p)) {
      if (isPodScheduleGated(p)) {
        out.push({
          kind: "ScheduleGated",
          object: obj,
          message: `Pending: held by scheduling gate ${
            p.spec.schedulingGates!.map((g) => g.name).join(", ")
          } (the gang is not complete yet)`,
        });
      } else {
        const u = unschedulableReason(p);
        const why = u?.message || failed?.message || "";
        out.push({
          kind: u ? "Unschedulable" : "Pending",
          object: obj,
          message: `Pending: ${u?.reason ?? "not scheduled yet"}${why ? `: ${why}` : ""}${
            failed
              ? ` (FailedScheduling x${failedCount}, last ${
                formatDuration(Math.max(0, Math.round((now - lastEventTime(failed)) / 1000) * 1000))
              } ago)`
              : ""
          }`,
          count: failed ? failedCount : undefined,
        });
      }
      return out;
    }
    for (const c of crashLoops(p)) {
      const last = c.lastExitCode !== undefined
        ? `, last exit ${c.lastExitCode}${c.lastReason ? ` (${c.lastReason})` : ""}`
        : "";
      out.push({
        kind: "CrashLoop",
        object: obj,
        message: `container ${c.container} in CrashLoopBackOff, ${c.restartCount} restarts${last}`,
        count: c.restartCount,
      });
    }
    if (out.length === 0 && !isPodReady(p)) {
      out.push({ kind: "NotReady", object: obj, message: `not ready: ${podDisplayStatus(p)}` });
    }
    if (failed && out.length === 0) out.push(eventIssue(failed, obj));
    // Normal events (--events all) after everything the pod's state says.
    if (allEvents) {
      for (const e of podEvents.filter((x) => x.type !== "Warning")) {
        out.push(eventIssue(e, obj));
      }
    }
    return out;
  }

  function eventIssue(e: Event, object: string): HealthIssue {
    return {
      kind: e.reason === "FailedScheduling" || e.reason === "Unschedulable"
        ? "FailedScheduling"
        : e.type === "Warning"
        ? "Pending"
        : "Event",
      object,
      message: `${e.type === "Warning" ? "" : `${e.type ?? "Normal"} `}${e.reason ?? "Warning"}: ${
        e.message ?? ""
      }${e.count ? ` (x${e.count})` : ""}`,
      count: e.count,
    };
  }

  const healthyN = gangs.filter((g) => g.status === "Healthy").length;
  const all = gangs.flatMap((g) => g.countdowns.map((c) => ({ g, c })))
    .sort((a, b) => a.c.remainingMs - b.c.remainingMs);
  for (const p of pcsList) {
    for (const n of draTemplateNotes(p as never)) notes.push(`${p.metadata.name}: ${n}`);
  }
  if (hiddenNormal > 0) {
    notes.push(
      `${hiddenNormal} Normal event(s) of these objects hidden (show them with --events all)`,
    );
  }
  if (pcsList.length === 0) {
    notes.push(
      objects.namespace === undefined
        ? "no PodCliqueSets found in any namespace"
        : `no PodCliqueSets found in namespace "${objects.namespace}" (look in every namespace with -A)`,
    );
  }
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "HealthReport",
    generatedAt: rfc3339(now),
    healthy: gangs.every((g) => g.status === "Healthy"),
    gangs,
    ...(opts.pcs ? {} : { sets: setsOf(gangs) }),
    summary: {
      podCliqueSets: pcsList.length,
      gangs: gangs.length,
      healthy: healthyN,
      degraded: gangs.filter((g) => g.status === "Degraded").length,
      unhealthy: gangs.filter((g) => g.status === "UNHEALTHY").length,
      starting: gangs.filter((g) => g.status === "Starting").length,
      atRisk: gangs.filter((g) => g.status !== "Healthy").map((g) => `${g.namespace}/${g.name}`),
      nextTermination: all[0]
        ? {
          gang: `${all[0].g.namespace}/${all[0].g.name}`,
          object: `${all[0].c.kind.toLowerCase()}/${all[0].c.name}`,
          remainingMs: all[0].c.remainingMs,
          deadline: all[0].c.deadline,
        }
        : undefined,
    },
    notes,
  };
}
