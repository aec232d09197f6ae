/**
 * The pure step of `recommend`: objects + `now` -> ONE ranked list of
 * findings over every set in scope, each with a severity, the evidence
 * (figures, objects, times) and the exact commands to act.
 *
 * Built on the other reports, not beside them: the health report (countdowns,
 * crash loops, pending pods and the scheduler's words), the topology reports
 * (placement warnings with candidate domains; cluster capacity and
 * fragmentation), the compare report (measured against the stored plan), and
 * the rollout status of each set.
 *
 * Ranking (deterministic): severity (critical, warning, info); then the rule
 * order of {@link RULES}; then the time left (soonest deadline first); then
 * context, namespace and object names. No command is recommended that would
 * take a clique below minAvailable: such a command is withheld, and the
 * finding says why.
 *
 * @module
 */

import { formatDuration, rfc3339 } from "../../lib/grove/duration.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import {
  cliqueMinAvailable,
  crashLoops,
  findCondition,
  isPodReady,
  isPodTerminated,
  podGpus,
  terminationDelayMs,
} from "../../lib/grove/relations.ts";
import type { Node, Pod, PodClique, PodCliqueSet } from "../../lib/grove/types.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { isPaused } from "../../lib/revisions/pause.ts";
import { PcsAnnotations } from "../../lib/revisions/keys.ts";
import { type NodeGpuState, nodeGpuStates } from "../../lib/topology/model.ts";
import { placeFirstFitDecreasing } from "../../lib/topology/placement.ts";
import { resolveTopology } from "../../lib/topology/levels.ts";
import { buildCompareReport, type CompareReport } from "../compare/report.ts";
import { buildHealthReport, type GangHealth, type HealthReport } from "../health/report.ts";
import { buildRolloutStatus, type RolloutStatusReport } from "../rollout/status_report.ts";
import { buildTopologyReport, LOW_SCORE_DEFAULT, type TopologyReport } from "../topology/report.ts";
import type { CrashLog, RecommendObjects } from "./collect.ts";

/** How bad a finding is. */
export type Severity = "critical" | "warning" | "info";

/** The rules, in ranking order within a severity. */
export const RULES = [
  "termination",
  "crash-loop",
  "pending-gang",
  "sla-breach",
  "rollout-stalled",
  "unavailable-gpus",
  "low-placement",
  "fragmentation",
  "rollout-paused",
] as const;

/** One rule id. */
export type RuleId = typeof RULES[number];

/** A command to act on a finding, exactly as to be typed. */
export interface ActionCommand {
  /** The command line. */
  command: string;
  /** What it does. */
  purpose: string;
  /**
   * How to preview it without changing anything: `server` (append
   * `--dry-run=server`, kubectl), `flag` (append `--dry-run`, kubectl grove),
   * or `none` for a read-only command.
   */
  dryRun: "server" | "flag" | "none";
}

/** One finding. */
export interface RecommendFinding {
  /** 1 is the most urgent. */
  rank: number;
  /** Severity. */
  severity: Severity;
  /** Rule id (see `kubectl grove recommend --help`). */
  rule: RuleId;
  /** Kubeconfig context (set in fleet reads). */
  context?: string;
  /** Namespace of the object, when namespaced. */
  namespace?: string;
  /** PodCliqueSet, when the finding is about one. */
  pcs?: string;
  /** The object, as `kind/name`. */
  object: string;
  /** One line: what is wrong. */
  title: string;
  /** Figures, objects, times. */
  evidence: string[];
  /** What to run, in order. */
  commands: ActionCommand[];
  /** Commands not recommended, and why (they would take a clique below minAvailable). */
  withheld: string[];
  /** Deadline, for time-bound findings (RFC 3339). */
  deadline?: string;
  /** Time left to the deadline at generatedAt, ms (negative once past). */
  remainingMs?: number;
}

/** The answer of `recommend` (`-o json`). */
export interface RecommendReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `RecommendReport`. */
  kind: "RecommendReport";
  /** `now` of the report. */
  generatedAt: string;
  /** What was looked at. */
  scope: { namespace?: string; allNamespaces: boolean; pcs?: string };
  /** Ranked findings, most urgent first. */
  findings: RecommendFinding[];
  /** Counts. */
  summary: {
    podCliqueSets: number;
    gangs: number;
    critical: number;
    warning: number;
    info: number;
  };
  /** What could not be read or judged. */
  notes: string[];
}

/** Options of {@link buildRecommendReport}. */
export interface RecommendReportOptions {
  /** The present. */
  now: Date | number;
  /** Placement score below which a gang is flagged (default 0.7). */
  lowScore?: number;
  /** A countdown with at most this much left is critical (default 1h). */
  criticalWithinMs?: number;
  /** A rollout without progress for this long is stalled (default 10 minutes). */
  progressDeadlineMs?: number;
  /** A rollout paused for longer than this is a warning, else info (default 1h). */
  pausedWarnMs?: number;
}

const SEVERITIES: Severity[] = ["critical", "warning", "info"];
const HOUR = 3_600_000;

/** A finding before ranking. */
export type UnrankedFinding = Omit<RecommendFinding, "rank">;
type Draft = UnrankedFinding;

/** Ready pods and minAvailable of one clique (keyed `namespace/name`), to judge pod deletions. */
export interface CliqueFloor {
  /** Ready pods. */
  ready: number;
  /** minAvailable. */
  min: number;
}

/**
 * Builds the ranked findings (pure).
 *
 * @example
 * ```ts ignore
 * import { buildRecommendReport } from "./report.ts";
 * const r = buildRecommendReport(objects, { now: Date.now() });
 * for (const f of r.findings) console.log(f.rank, f.severity, f.title, f.commands[0]?.command);
 * ```
 */
export function buildRecommendReport(
  o: RecommendObjects,
  opts: RecommendReportOptions,
): RecommendReport {
  const now = typeof opts.now === "number" ? opts.now : opts.now.getTime();
  const lowScore = opts.lowScore ?? LOW_SCORE_DEFAULT;
  const health = buildHealthReport(o.health, { now, pcs: o.pcs });
  const workloads = buildTopologyReport(o.topology, { now, pcs: o.pcs, lowScore });
  const cluster = o.topology.nodesForbidden
    ? undefined
    : buildTopologyReport({ ...o.topology, podCliqueSets: [], podGangs: [] }, {
      now,
      cluster: true,
    });
  const notes = [...o.missing, ...health.notes];
  const floors = cliqueFloors(o.health.podCliques, o.health.pods);
  const pcsByKey = new Map(
    o.health.podCliqueSets.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]),
  );
  const levels = resolveTopology({
    bindings: o.topology.bindings,
    legacy: o.topology.legacy,
    nodes: o.topology.nodes,
  }).levels;
  const gpuModel = nodeGpuStates(o.topology.nodes, o.topology.pods, levels);
  const drafts: Draft[] = [
    ...terminationFindings(health, floors, pcsByKey, opts.criticalWithinMs ?? HOUR),
    ...crashLoopFindings(o, floors),
    ...pendingFindings(health, workloads, cluster, gpuModel.nodes),
    ...slaFindings(o, now, floors, notes),
    ...rolloutFindings(o, now, opts),
    ...unavailableGpuFindings(gpuModel.nodes, workloads),
    ...placementFindings(workloads, o.topology.pods, o.topology.nodes, floors, lowScore),
    ...fragmentationFindings(cluster, gpuModel.nodes, o.topology.pods, floors, workloads),
  ];
  const findings = rankFindings(drafts);
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "RecommendReport",
    generatedAt: rfc3339(now),
    scope: {
      ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      allNamespaces: o.namespace === undefined,
      ...(o.pcs ? { pcs: o.pcs } : {}),
    },
    findings,
    summary: {
      podCliqueSets: o.health.podCliqueSets.length,
      gangs: health.summary.gangs,
      critical: count("critical"),
      warning: count("warning"),
      info: count("info"),
    },
    notes: [...new Set(notes)],
  };
}

/** Sorts findings by the ranking rules and numbers them from 1. */
export function rankFindings(drafts: UnrankedFinding[]): RecommendFinding[] {
  const key = (f: Draft) =>
    [
      SEVERITIES.indexOf(f.severity),
      RULES.indexOf(f.rule),
      f.remainingMs ?? Number.MAX_SAFE_INTEGER,
    ] as const;
  return [...drafts].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    const sa = `${a.context ?? ""}\0${a.namespace ?? ""}\0${a.object}`;
    const sb = `${b.context ?? ""}\0${b.namespace ?? ""}\0${b.object}`;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }).map((f, i) => ({ rank: i + 1, ...f }));
}

/**
 * One list over several clusters' reports (fleet reads): each finding
 * tagged with its context, ranked again with the same rules.
 */
export function mergeFleetFindings(
  items: { context: string; report: RecommendReport }[],
): RecommendFinding[] {
  return rankFindings(
    items.flatMap((i) =>
      i.report.findings.map(({ rank: _rank, ...f }) => ({ ...f, context: i.context }))
    ),
  );
}

// ---------------------------------------------------------------------------
// helpers

function cliqueFloors(cliques: PodClique[], pods: Pod[]): Map<string, CliqueFloor> {
  const out = new Map<string, CliqueFloor>();
  for (const q of cliques) {
    const ready = pods.filter((p) =>
      p.metadata.namespace === q.metadata.namespace &&
      p.metadata.labels?.[LabelKeys.podClique] === q.metadata.name &&
      !isPodTerminated(p) && isPodReady(p)
    ).length;
    out.set(`${q.metadata.namespace}/${q.metadata.name}`, { ready, min: cliqueMinAvailable(q) });
  }
  return out;
}

/**
 * Whether deleting these pods keeps every clique at or above minAvailable;
 * returns the reason when it does not. Pods that are not Ready do not count.
 */
export function deletionBreaksFloor(
  pods: Pod[],
  floors: Map<string, CliqueFloor>,
): string | undefined {
  const loss = new Map<string, number>();
  for (const p of pods) {
    const q = p.metadata.labels?.[LabelKeys.podClique];
    if (!q || !isPodReady(p)) continue;
    const k = `${p.metadata.namespace}/${q}`;
    loss.set(k, (loss.get(k) ?? 0) + 1);
  }
  for (const [k, n] of [...loss].sort((a, b) => a[0].localeCompare(b[0]))) {
    const f = floors.get(k);
    if (f && f.ready - n < f.min) {
      return `podclique/${
        k.split("/")[1]
      } has ${f.ready} ready with minAvailable ${f.min}: taking ${n} away leaves ${f.ready - n}`;
    }
  }
  return undefined;
}

function gangObject(g: GangHealth): string {
  return `podgang/${g.name}`;
}

function left(ms: number): string {
  return ms <= 0 ? `overdue by ${formatDuration(-ms)}` : `${formatDuration(ms)} left`;
}

function roundMinute(ms: number): number {
  return Math.round(ms / 1000) * 1000;
}

// ---------------------------------------------------------------------------
// rules

function terminationFindings(
  health: HealthReport,
  floors: Map<string, CliqueFloor>,
  pcsByKey: Map<string, PodCliqueSet>,
  criticalWithinMs: number,
): Draft[] {
  const out: Draft[] = [];
  for (const g of health.gangs) {
    if (!g.countdowns.length) continue;
    const first = g.countdowns[0];
    const pcs = pcsByKey.get(`${g.namespace}/${g.pcs}`);
    const delayMs = terminationDelayMs(pcs);
    const evidence: string[] = [];
    for (const c of g.countdowns) {
      const f = c.kind === "PodClique" ? floors.get(`${g.namespace}/${c.name}`) : undefined;
      evidence.push(
        `${c.kind === "PodClique" ? "podclique" : "podcliquescalinggroup"}/${c.name}: ${
          f ? `${f.ready} ready, minAvailable ${f.min}; ` : ""
        }MinAvailableBreached since ${c.since}, terminates at ${c.deadline} (${
          left(roundMinute(c.remainingMs))
        } of ${c.delay})`,
      );
    }
    // what would stop it: the breached cliques back at minAvailable
    const blockers = g.issues.filter((i) =>
      ["CrashLoop", "Unschedulable", "Pending", "NotReady", "ScheduleGated", "MissingPods"]
        .includes(
          i.kind,
        )
    );
    const need = g.countdowns.flatMap((c) => {
      const f = c.kind === "PodClique" ? floors.get(`${g.namespace}/${c.name}`) : undefined;
      return f && f.min > f.ready ? [`${f.min - f.ready} more Ready pod(s) in ${c.name}`] : [];
    });
    evidence.push(
      `stops it: ${
        need.length ? need.join(", ") : "the breached objects back at minAvailable"
      } before ${first.deadline}`,
    );
    for (const b of blockers.slice(0, 6)) {
      evidence.push(`blocker: ${b.object}: ${shorten(b.message, 160)}`);
    }
    const longer = formatDuration(Math.max(2 * delayMs, delayMs + HOUR));
    out.push({
      severity: first.remainingMs <= criticalWithinMs ? "critical" : "warning",
      rule: "termination",
      namespace: g.namespace,
      pcs: g.pcs,
      object: gangObject(g),
      title: `gang ${g.name} will be terminated ${
        first.remainingMs <= 0
          ? "now (deadline passed)"
          : `in ${formatDuration(roundMinute(first.remainingMs))}`
      }: ${first.name} below minAvailable`,
      evidence,
      commands: [
        {
          command:
            `kubectl patch podcliqueset ${g.pcs} -n ${g.namespace} --type merge -p '{"spec":{"template":{"terminationDelay":"${longer}"}}}'`,
          purpose: `buy time: terminationDelay ${
            formatDuration(delayMs)
          } -> ${longer} moves the deadline to ${
            rfc3339(Date.parse(first.since) + Math.max(2 * delayMs, delayMs + HOUR))
          } while the blockers are fixed (see the crash-loop and pending findings)`,
          dryRun: "server",
        },
      ],
      withheld: [],
      deadline: first.deadline,
      remainingMs: first.remainingMs,
    });
  }
  return out;
}

/** The line of a crash log that says what went wrong (see `recommend --help`). */
export function lastErrorLine(tail: string): string | undefined {
  const lines = tail.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const exception = /^[A-Za-z_][\w.]*(Error|Exception|Exit)\b:/;
  const errorish = /\b(ERROR|FATAL|CRITICAL|panic|Traceback|error|fatal|failed)\b/;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (exception.test(lines[i].trim())) return lines[i].trim();
  }
  for (let i = lines.length - 1; i >= 0; i--) if (errorish.test(lines[i])) return lines[i].trim();
  return lines.at(-1)?.trim();
}

function shorten(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 3) + "..." : s;
}

function crashLoopFindings(o: RecommendObjects, floors: Map<string, CliqueFloor>): Draft[] {
  const out: Draft[] = [];
  const logs = new Map<string, CrashLog>(
    o.crashLogs.map((l) => [`${l.namespace}/${l.pod}/${l.container}`, l]),
  );
  for (const p of o.health.pods) {
    const ns = p.metadata.namespace ?? "";
    for (const c of crashLoops(p)) {
      const clique = p.metadata.labels?.[LabelKeys.podClique];
      const f = clique ? floors.get(`${ns}/${clique}`) : undefined;
      const below = f !== undefined && f.ready < f.min;
      const log = logs.get(`${ns}/${p.metadata.name}/${c.container}`);
      const line = log?.tail !== undefined ? lastErrorLine(log.tail) : undefined;
      const evidence = [
        `container ${c.container}: ${c.restartCount} restarts, last exit ${c.lastExitCode ?? "?"}${
          c.lastReason ? ` (${c.lastReason})` : ""
        }${c.lastFinishedAt ? ` at ${c.lastFinishedAt}` : ""}`,
        log?.error
          ? `previous log not read: ${shorten(log.error, 160)}`
          : `last error line of the previous container: ${
            line ? shorten(line, 240) : "(empty log)"
          }`,
      ];
      if (f && clique) {
        evidence.push(
          `podclique/${clique}: ${f.ready} ready, minAvailable ${f.min}${below ? " (below)" : ""}`,
        );
      }
      if (p.spec?.nodeName) evidence.push(`on node ${p.spec.nodeName}, ${podGpus(p)} GPUs`);
      out.push({
        severity: below ? "critical" : "warning",
        rule: "crash-loop",
        namespace: ns,
        pcs: p.metadata.labels?.[LabelKeys.partOf],
        object: `pod/${p.metadata.name}`,
        title: `${c.container} in pod ${p.metadata.name} is crash-looping${
          line ? `: ${shorten(line, 100)}` : ""
        }`,
        evidence,
        commands: [
          log?.tail !== undefined
            ? {
              command:
                `kubectl logs ${p.metadata.name} -n ${ns} -c ${c.container} --previous --tail=100`,
              purpose: "read the crashed container's log around the error",
              dryRun: "none",
            }
            : {
              command: `kubectl describe pod ${p.metadata.name} -n ${ns}`,
              purpose:
                "the previous log is not readable: see the container's last state and events",
              dryRun: "none",
            },
        ],
        withheld: [],
      });
    }
  }
  return out;
}

function pendingFindings(
  health: HealthReport,
  workloads: TopologyReport,
  cluster: TopologyReport | undefined,
  nodes: NodeGpuState[],
): Draft[] {
  const out: Draft[] = [];
  for (const g of health.gangs) {
    const stuck = g.issues.filter((i) =>
      i.kind === "Unschedulable" || i.kind === "Pending" || i.kind === "ScheduleGated" ||
      (i.kind === "FailedScheduling" && i.object.startsWith("podgang/"))
    );
    if (g.phase !== "Pending" && !stuck.length) continue;
    const placement = workloads.podCliqueSets.flatMap((p) => p.gangs).find((x) =>
      x.name === g.name && x.namespace === g.namespace
    );
    const unscheduled = workloads.unscheduledPods.filter((p) =>
      p.gang === g.name && p.namespace === g.namespace
    );
    const evidence: string[] = [
      `phase ${g.phase}; ${unscheduled.length} pod(s) not scheduled${
        unscheduled.length
          ? ` (${unscheduled.map((p) => `${p.name} ${p.gpus} GPUs`).join(", ")})`
          : ""
      }`,
    ];
    for (const i of stuck.slice(0, 4)) {
      evidence.push(`scheduler: ${i.object}: ${shorten(i.message, 200)}`);
    }
    const shapes = unscheduled.map((p) => p.gpus).filter((n) => n > 0);
    const biggest = shapes.length ? Math.max(...shapes) : 0;
    const commands: ActionCommand[] = [];
    if (biggest > 0 && cluster?.cluster) {
      const fit = cluster.cluster.fits.find((f) => f.gpus === biggest);
      const block = Math.max(0, ...nodes.filter((n) => n.schedulable).map((n) => n.free));
      evidence.push(
        `does not fit: needs ${shapes.length} pod(s) of up to ${biggest} GPUs; largest free block on a schedulable node is ${block}${
          fit ? ` (${fit.pods} pod(s) of ${biggest} GPUs fit now)` : ""
        }`,
      );
      const cordoned = nodes.filter((n) => n.cordoned && n.ready && n.free >= biggest);
      for (const n of cordoned) {
        commands.push({
          command: `kubectl uncordon ${n.name}`,
          purpose:
            `node ${n.name} is cordoned with ${n.free} free GPUs: a pod of ${biggest} GPUs fits there`,
          dryRun: "server",
        });
      }
    }
    if (placement?.pack.required) {
      evidence.push(
        `pack constraint: required ${placement.pack.required}${
          placement.pack.preferred ? `, preferred ${placement.pack.preferred}` : ""
        }`,
      );
    }
    commands.push({
      command: `kubectl grove topology --cluster`,
      purpose: "see free GPUs per domain and what fits",
      dryRun: "none",
    });
    out.push({
      severity: "warning",
      rule: "pending-gang",
      namespace: g.namespace,
      pcs: g.pcs,
      object: gangObject(g),
      title: `gang ${g.name} is ${g.phase === "Pending" ? "pending" : "not fully scheduled"}${
        stuck[0] ? `: ${shorten(stuck[0].message.replace(/^Pending: /, ""), 90)}` : ""
      }`,
      evidence,
      commands,
      withheld: [],
    });
  }
  return out;
}

function slaFindings(
  o: RecommendObjects,
  now: number,
  floors: Map<string, CliqueFloor>,
  notes: string[],
): Draft[] {
  const out: Draft[] = [];
  for (const m of o.planMetrics) {
    let r: CompareReport;
    try {
      r = buildCompareReport(m, { now: new Date(now) });
    } catch (e) {
      notes.push(`compare ${m.namespace}/${m.pcs}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (r.status !== "breach" && r.status !== "warn") continue;
    const rows = r.rows.filter((x) => x.status === "breach" || x.status === "warn");
    const evidence = rows.map((x) =>
      `${x.role ?? "set"} ${x.item}: measured ${fmt(x.actual)} ${x.unit} vs plan ${fmt(x.planned)}${
        x.sla !== null ? ` (SLA ${fmt(x.sla)})` : ""
      }${
        x.deltaPct !== null ? `, ${x.deltaPct > 0 ? "+" : ""}${x.deltaPct.toFixed(0)}%` : ""
      } -> ${x.status}`
    );
    for (const f of r.findings.filter((f) => f.severity !== "info").slice(0, 4)) {
      evidence.push(`${f.rule}: ${shorten(f.message, 200)}`);
    }
    const commands: ActionCommand[] = [];
    const withheld: string[] = [];
    const pods = new Map(
      o.health.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]),
    );
    for (const rec of r.recommendations) {
      // crash loops and missing workers have their own findings (with the log line); keep the rest
      if (/^kubectl (grove health|logs) /.test(rec.command)) continue;
      const del = /^kubectl delete pod (.+) -n (\S+)$/.exec(rec.command);
      if (del) {
        const victims = del[1].split(" ").map((n) => pods.get(`${del[2]}/${n}`)).filter((
          p,
        ): p is Pod => !!p);
        const why = deletionBreaksFloor(victims, floors);
        if (why) {
          withheld.push(`${rec.command}: ${why}`);
          continue;
        }
      }
      commands.push({
        command: rec.command,
        purpose: shorten(rec.action, 200),
        dryRun: commandDryRun(rec.command),
      });
    }
    out.push({
      severity: r.status === "breach" ? "critical" : "warning",
      rule: "sla-breach",
      namespace: r.namespace,
      pcs: r.pcs,
      object: `podcliqueset/${r.pcs}`,
      title: `${r.pcs} ${r.status === "breach" ? "breaches" : "is close to"} its stored plan (${
        rows.map((x) => `${x.role ? x.role + " " : ""}${x.item}`).slice(0, 3).join(", ")
      })`,
      evidence,
      commands,
      withheld,
    });
  }
  return out;
}

function fmt(n: number | null): string {
  if (n === null) return "-";
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1);
}

/** How a command can be previewed, from its verb (kubectl writes: server; grove writes: flag). */
export function commandDryRun(command: string): ActionCommand["dryRun"] {
  const w = command.split(/\s+/);
  if (w[0] !== "kubectl") return "none";
  if (w[1] === "grove") {
    const writes = ["scale", "restart", "update", "apply"];
    if (writes.includes(w[2])) return "flag";
    if (w[2] === "rollout" && ["undo", "pause", "resume"].includes(w[3])) return "flag";
    return "none";
  }
  const kwrites = [
    "delete",
    "patch",
    "cordon",
    "uncordon",
    "drain",
    "scale",
    "annotate",
    "label",
    "apply",
    "create",
  ];
  return kwrites.includes(w[1]) ? "server" : "none";
}

function lastProgress(pcs: PodCliqueSet, cliques: PodClique[], pods: Pod[]): number | undefined {
  const started = Date.parse(pcs.status?.updateProgress?.updateStartedAt ?? "");
  let last = Number.isFinite(started) ? started : undefined;
  const hashes = new Set(
    cliques.map((q) => q.status?.updateProgress?.podTemplateHash).filter((h): h is string => !!h),
  );
  for (const p of pods) {
    const h = p.metadata.labels?.[LabelKeys.podTemplateHash];
    if (!h || !hashes.has(h)) continue;
    const times = [
      Date.parse(p.metadata.creationTimestamp ?? ""),
      Date.parse(findCondition(p, "Ready")?.lastTransitionTime ?? ""),
    ].filter(Number.isFinite);
    for (const t of times) if (last === undefined || t > last) last = t;
  }
  return last;
}

function rolloutFindings(
  o: RecommendObjects,
  now: number,
  opts: RecommendReportOptions,
): Draft[] {
  const out: Draft[] = [];
  for (const pcs of o.health.podCliqueSets) {
    const ns = pcs.metadata.namespace ?? "";
    const name = pcs.metadata.name;
    const paused = isPaused(pcs);
    const updating = pcs.status?.updateProgress?.updateStartedAt !== undefined &&
      !pcs.status?.updateProgress?.updateEndedAt;
    if (!paused && !updating) continue;
    const mine = <T extends { metadata: { namespace?: string; labels?: Record<string, string> } }>(
      xs: T[],
    ) =>
      xs.filter((x) =>
        x.metadata.namespace === ns && x.metadata.labels?.[LabelKeys.partOf] === name
      );
    const cliques = mine(o.health.podCliques);
    const pods = mine(o.health.pods);
    const progressAt = lastProgress(pcs, cliques, pods);
    let r: RolloutStatusReport;
    try {
      r = buildRolloutStatus({
        pcs,
        cliques,
        pods,
        gangs: mine(o.health.podGangs),
        events: o.health.events.filter((e) => e.metadata.namespace === ns),
        revisions: [],
        now: new Date(now),
        lastProgressAt: progressAt === undefined ? undefined : new Date(progressAt),
        progressDeadlineMs: opts.progressDeadlineMs,
      });
    } catch {
      continue;
    }
    const evidence = [
      `${r.message}`,
      ...r.roles.map((x) =>
        `role ${x.role}: ${x.updatedReady}/${x.desired} updated and ready, ${x.old} on the old template${
          x.failing.length ? `; failing: ${x.failing.join(", ")}` : ""
        }`
      ),
    ];
    if (r.updateStartedAt) evidence.push(`update started ${r.updateStartedAt}`);
    if (progressAt !== undefined) {
      evidence.push(
        `last progress ${rfc3339(progressAt)} (${
          formatDuration(roundMinute(now - progressAt))
        } ago)`,
      );
    }
    if (r.phase === "Failed" || r.phase === "Stalled") {
      out.push({
        severity: r.phase === "Failed" ? "critical" : "warning",
        rule: "rollout-stalled",
        namespace: ns,
        pcs: name,
        object: `podcliqueset/${name}`,
        title: `rollout of ${name} is ${r.phase.toLowerCase()}: ${shorten(r.message, 100)}`,
        evidence,
        commands: [
          {
            command: `kubectl grove rollout undo ${name} -n ${ns}`,
            purpose: "go back to the previous template (shows the diff and asks first)",
            dryRun: "flag",
          },
        ],
        withheld: [],
      });
    } else if (paused) {
      const at = Date.parse(pcs.metadata.annotations?.[PcsAnnotations.pausedAt] ?? "");
      const pausedFor = Number.isFinite(at) ? now - at : undefined;
      const long = pausedFor !== undefined && pausedFor > (opts.pausedWarnMs ?? HOUR);
      if (pausedFor !== undefined) {
        evidence.push(`paused at ${rfc3339(at)} (${formatDuration(roundMinute(pausedFor))} ago)`);
      }
      out.push({
        severity: long ? "warning" : "info",
        rule: "rollout-paused",
        namespace: ns,
        pcs: name,
        object: `podcliqueset/${name}`,
        title: `rollout of ${name} is paused${
          pausedFor !== undefined ? ` for ${formatDuration(roundMinute(pausedFor))}` : ""
        } with ${r.totals.old} pod(s) on the old template`,
        evidence,
        commands: [{
          command: `kubectl grove rollout resume ${name} -n ${ns}`,
          purpose: "let the operator finish the update",
          dryRun: "flag",
        }],
        withheld: [],
      });
    }
  }
  return out;
}

function unavailableGpuFindings(
  nodes: NodeGpuState[],
  workloads: TopologyReport,
): Draft[] {
  const waiting = workloads.unscheduledPods.filter((p) => p.gpus > 0);
  const out: Draft[] = [];
  for (const n of nodes) {
    if (n.schedulable || n.free <= 0) continue;
    const fits = waiting.filter((p) => p.gpus <= n.free);
    const evidence = [
      `${n.free} of ${n.allocatable} GPUs free on ${n.name}, unusable: ${
        [n.cordoned ? "cordoned" : "", n.ready ? "" : "NotReady"].filter(Boolean).join(" and ")
      }`,
    ];
    if (fits.length) {
      evidence.push(
        `would host waiting pods: ${
          fits.slice(0, 4).map((p) => `${p.namespace}/${p.name} (${p.gpus} GPUs)`).join(", ")
        }`,
      );
    }
    const commands: ActionCommand[] = n.ready
      ? [{
        command: `kubectl uncordon ${n.name}`,
        purpose: `return ${n.free} free GPUs to the scheduler`,
        dryRun: "server",
      }]
      : [{
        command: `kubectl describe node ${n.name}`,
        purpose:
          "see why the node is not Ready (kubelet, network); it has free GPUs nobody can use",
        dryRun: "none",
      }];
    out.push({
      severity: fits.length ? "warning" : "info",
      rule: "unavailable-gpus",
      object: `node/${n.name}`,
      title: `node ${n.name} holds ${n.free} free GPUs but is ${n.ready ? "cordoned" : "NotReady"}`,
      evidence,
      commands,
      withheld: [],
    });
  }
  return out;
}

function placementFindings(
  workloads: TopologyReport,
  allPods: Pod[],
  nodes: Node[],
  floors: Map<string, CliqueFloor>,
  lowScore: number,
): Draft[] {
  const out: Draft[] = [];
  const labelsOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const gangs = new Map(
    workloads.podCliqueSets.flatMap((s) => s.gangs).map((g) => [`${g.namespace}/${g.name}`, g]),
  );
  for (const w of workloads.warnings) {
    if (w.kind === "unscheduled") continue; // the pending-gang rule covers it
    const g = gangs.get(`${w.namespace}/${w.gang}`);
    const evidence = [
      w.message,
      `placement score ${g?.placementScore !== undefined ? g.placementScore.toFixed(2) : "-"}${
        g ? `; spans ${g.spans.map((s) => `${s.domains.length} ${s.level}`).join(", ")}` : ""
      }`,
      `topology: ${w.recommendation}`,
    ];
    const commands: ActionCommand[] = [];
    const withheld: string[] = [];
    const target = w.candidates[0];
    // the level the warning is about: the one whose span lists the candidate, else the pack's
    const key = g?.spans.find((s) => target !== undefined && s.domains.includes(target))?.key ??
      (w.kind === "spans-required"
        ? g?.pack.requiredKey
        : g?.pack.preferredKey ?? g?.pack.requiredKey);
    if (target && g && key) {
      const outside = allPods.filter((p) =>
        p.metadata.namespace === g.namespace &&
        p.metadata.labels?.[LabelKeys.podGang] === g.name && !!p.spec?.nodeName &&
        !isPodTerminated(p) && labelsOf.get(p.spec.nodeName)?.[key] !== target
      ).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      evidence.push(
        `could host it: ${w.candidates.slice(0, 3).join(", ")}; pods to move: ${
          outside.length
            ? outside.map((p) => `${p.metadata.name} (on ${p.spec?.nodeName})`).join(", ")
            : "none"
        }`,
      );
      if (outside.length) {
        const cmd = `kubectl delete pod ${
          outside.map((p) => p.metadata.name).join(" ")
        } -n ${g.namespace}`;
        const why = deletionBreaksFloor(outside, floors);
        if (why) withheld.push(`${cmd}: ${why}`);
        else {
          commands.push({
            command: cmd,
            purpose: `the operator recreates them; the scheduler can pack them into ${target}`,
            dryRun: "server",
          });
        }
      }
    } else {
      evidence.push("could host it: no single domain has room for the whole gang now");
    }
    commands.push({
      command: g
        ? `kubectl grove topology ${g.pcs} -n ${w.namespace}`
        : `kubectl grove topology -n ${w.namespace}`,
      purpose: "see where each pod landed against the topology",
      dryRun: "none",
    });
    const low = g?.placementScore !== undefined && g.placementScore < lowScore;
    out.push({
      severity: low || w.kind === "spans-required" ? "warning" : "info",
      rule: "low-placement",
      namespace: w.namespace,
      pcs: g?.pcs,
      object: `podgang/${w.gang}`,
      title: `gang ${w.gang}: ${
        w.kind === "low-score" ? "low placement score" : "placement spans domains"
      }${g?.placementScore !== undefined ? ` (score ${g.placementScore.toFixed(2)})` : ""}`,
      evidence,
      commands,
      withheld,
    });
  }
  return out;
}

function fragmentationFindings(
  cluster: TopologyReport | undefined,
  nodes: NodeGpuState[],
  pods: Pod[],
  floors: Map<string, CliqueFloor>,
  workloads: TopologyReport,
): Draft[] {
  const cap = cluster?.cluster;
  if (!cap) return [];
  const f = cap.fragmentation;
  const shape = f.largestShape;
  // actionable only when no schedulable node can host the largest shape in use
  if (
    shape <= 1 || f.strandedGpus === 0 || (cap.fits.find((x) => x.gpus === shape)?.pods ?? 0) > 0
  ) {
    return [];
  }
  const waiting = workloads.unscheduledPods.filter((p) => p.gpus >= shape);
  const evidence = [
    `${f.strandedGpus} of ${f.freeGpus} free GPUs (${
      Math.round(f.ratio * 100)
    }%) cannot host the largest pod shape in use (${shape} GPUs); ${
      cap.fits.find((x) => x.gpus === shape)?.pods ?? 0
    } pod(s) of ${shape} GPUs fit now`,
  ];
  if (f.unavailableGpus) {
    evidence.push(
      `${f.unavailableGpus} more free GPUs sit on cordoned or NotReady nodes (see the unavailable-gpus findings)`,
    );
  }
  const move = cheapestMove(nodes, pods, floors, shape);
  const commands: ActionCommand[] = [];
  if (move) {
    evidence.push(
      `cheapest move: free ${shape} GPUs on ${move.node} (${move.free} free) by moving ${
        move.pods.map((m) =>
          `${m.pod.metadata.namespace}/${m.pod.metadata.name} (${
            gpuCount(podGpus(m.pod))
          }) to ${m.to}`
        ).join(", ")
      }; ${gpuCount(move.gpus)} moved`,
    );
    commands.push({
      command: `kubectl cordon ${move.node}`,
      purpose: `keep the moved pods from landing on ${move.node} again`,
      dryRun: "server",
    });
    for (const [ns, names] of groupByNs(move.pods.map((m) => m.pod))) {
      commands.push({
        command: `kubectl delete pod ${names.join(" ")} -n ${ns}`,
        purpose: "their controllers recreate them on nodes with room",
        dryRun: "server",
      });
    }
    commands.push({
      command: `kubectl uncordon ${move.node}`,
      purpose:
        `once they run elsewhere: open the block of ${shape} GPUs on ${move.node} to the scheduler`,
      dryRun: "server",
    });
  } else {
    evidence.push(
      `no move frees a block of ${shape} GPUs on one node: the pods that would have to move have no room elsewhere, belong to no controller, or would take a clique below minAvailable`,
    );
    commands.push({
      command: "kubectl grove topology --cluster",
      purpose: "see free GPUs per node and domain",
      dryRun: "none",
    });
  }
  return [{
    severity: waiting.length ? "warning" : "info",
    rule: "fragmentation",
    object: "cluster",
    title:
      `fragmented GPUs: ${f.strandedGpus} of ${f.freeGpus} free GPUs cannot host a pod of ${shape} GPUs${
        waiting.length ? ` (${waiting.length} such pod(s) waiting)` : ""
      }`,
    evidence,
    commands,
    withheld: [],
  }];
}

function gpuCount(n: number): string {
  return `${n} GPU${n === 1 ? "" : "s"}`;
}

function groupByNs(pods: Pod[]): [string, string[]][] {
  const m = new Map<string, string[]>();
  for (const p of pods) {
    const ns = p.metadata.namespace ?? "";
    m.set(ns, [...(m.get(ns) ?? []), p.metadata.name]);
  }
  return [...m].sort((a, b) => a[0].localeCompare(b[0]));
}

/** A move that frees a block of GPUs on one node. */
export interface FreeBlockMove {
  /** The node whose block is freed. */
  node: string;
  /** Its free GPUs before the move. */
  free: number;
  /** GPUs moved away. */
  gpus: number;
  /** The pods to move, largest first, and the node each fits on. */
  pods: { pod: Pod; to: string }[];
}

/**
 * The cheapest way to free a block of `shape` GPUs on one schedulable node:
 * fewest GPUs moved, then fewest pods, then node name. Movable pods have a
 * controller, are not DaemonSet pods, and leave their clique at or above
 * minAvailable; they must fit (first fit decreasing) on other schedulable
 * nodes' free GPUs.
 */
export function cheapestMove(
  nodes: NodeGpuState[],
  pods: Pod[],
  floors: Map<string, CliqueFloor>,
  shape: number,
): FreeBlockMove | undefined {
  const schedulable = nodes.filter((n) => n.schedulable && n.allocatable >= shape);
  let best: FreeBlockMove | undefined;
  for (const n of schedulable) {
    if (n.free >= shape) return undefined; // a block is already free
    const onNode = pods.filter((p) =>
      p.spec?.nodeName === n.name && !isPodTerminated(p) && podGpus(p) > 0
    );
    const movable = onNode.filter((p) => {
      const owner = p.metadata.ownerReferences?.find((r) => r.controller) ??
        p.metadata.ownerReferences?.[0];
      return owner && owner.kind !== "DaemonSet" && owner.kind !== "Node";
    }).sort((a, b) => podGpus(a) - podGpus(b) || a.metadata.name.localeCompare(b.metadata.name));
    if (movable.length > 12) continue;
    const need = shape - n.free;
    const bins = nodes.filter((m) => m.schedulable && m.name !== n.name && m.free > 0)
      .map((m) => ({ name: m.name, free: m.free }));
    for (let mask = 1; mask < (1 << movable.length); mask++) {
      const set = movable.filter((_, i) => mask & (1 << i));
      const gpus = set.reduce((s, p) => s + podGpus(p), 0);
      if (gpus < need) continue;
      if (best && (gpus > best.gpus || (gpus === best.gpus && set.length >= best.pods.length))) {
        continue;
      }
      if (deletionBreaksFloor(set, floors)) continue;
      const packed = placeFirstFitDecreasing(set.map((p) => podGpus(p)), bins);
      if (packed.unplaced.length) continue;
      const order = [...set].sort((a, b) =>
        podGpus(b) - podGpus(a) || a.metadata.name.localeCompare(b.metadata.name)
      );
      best = {
        node: n.name,
        free: n.free,
        gpus,
        pods: order.map((pod, i) => ({ pod, to: packed.placed[i]?.bin ?? "?" })),
      };
    }
  }
  return best;
}
