/**
 * diag, step 2 (pure): turns a collection into the files of a bundle, in the
 * fixture format `lib/sim` serves (so `--replay` works), with everything
 * redacted, plus human tables and `summary.md` with the problems found.
 *
 * @module
 */

import { yamlDump } from "../../lib/deps.ts";
import { ageOf } from "../../lib/grove/duration.ts";
import { GPU_RESOURCE, LabelKeys } from "../../lib/grove/labels.ts";
import {
  crashLoops,
  gpusAllocatedByNode,
  isNodeCordoned,
  isNodeReady,
  nodeGpus,
  podDisplayStatus,
  podReadyCount,
  podRestarts,
  terminationCountdown,
  terminationDelayMs,
  unschedulableReason,
} from "../../lib/grove/relations.ts";
import { formatDuration } from "../../lib/grove/duration.ts";
import type { Event, Node, Pod, PodCliqueSet } from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { renderTable } from "../../lib/render/table.ts";
import { VERSION } from "../../lib/version.ts";
import type { DiagCollection } from "./collect.ts";
import { redactObject, redactText } from "./redact.ts";

/** A problem found in the collected data, pointing at the file that shows it. */
export interface Finding {
  /** critical: something will break or has broken; warning: worth a look; info: context. */
  severity: "critical" | "warning" | "info";
  /** One line: which object, what is wrong. */
  message: string;
  /** Bundle-relative file with the evidence. */
  file: string;
}

/** Facts about the collection for meta.json and the summary. */
export interface BundleContext {
  /** When the bundle was collected. */
  recordedAt: Date;
  /** kubeconfig context used. */
  contextName: string;
  /** API server URL. */
  server: string;
  /** Namespace collected. */
  namespace: string;
  /** All namespaces were collected. */
  allNamespaces: boolean;
  /** The PodCliqueSet the bundle is about, if any. */
  pcs?: string;
  /** Events window in milliseconds. */
  sinceMs: number;
  /** Events in the summary: `warning` (default) or `all`. */
  events?: "warning" | "all";
  /** Extra report files (status, health, topology), already rendered. */
  reports?: { file: string; text: string }[];
}

/** The bundle as files: relative path -> contents. */
export interface Bundle {
  /** Relative path -> contents. */
  files: Map<string, string>;
  /** Problems found. */
  findings: Finding[];
  /** How many secret values were removed. */
  redactions: number;
  /** True when some collector failed. */
  partial: boolean;
}

const RESOURCE_FILES = [
  "podcliquesets",
  "podcliques",
  "podcliquescalinggroups",
  "podgangs",
  "clustertopologybindings",
  "clustertopologies",
  "pods",
  "nodes",
  "events",
];

function eventTime(e: KubeObject): number {
  return Date.parse(
    e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? "",
  ) || 0;
}

/** Finds the problems a support engineer looks for first. */
export function findProblems(
  c: DiagCollection,
  now: Date,
  opts: { events?: "warning" | "all" } = {},
): Finding[] {
  const f: Finding[] = [];
  const pcsByKey = new Map<string, PodCliqueSet>();
  for (const p of c.objects.podcliquesets ?? []) {
    pcsByKey.set(`${p.metadata.namespace}/${p.metadata.name}`, p as PodCliqueSet);
  }
  for (const kind of ["podcliques", "podcliquescalinggroups"]) {
    for (const o of c.objects[kind] ?? []) {
      const pcsName = o.metadata.labels?.[LabelKeys.partOf];
      const pcs = pcsName ? pcsByKey.get(`${o.metadata.namespace}/${pcsName}`) : undefined;
      let delay: number;
      try {
        delay = terminationDelayMs(pcs);
      } catch {
        delay = 4 * 3600_000;
      }
      const cd = terminationCountdown(o, delay, now);
      if (!cd) continue;
      const what = kind === "podcliques" ? "clique" : "scaling group";
      f.push({
        severity: "critical",
        message: cd.expired
          ? `${what} ${o.metadata.namespace}/${o.metadata.name}: MinAvailableBreached since ${cd.since}; the termination delay (${
            formatDuration(cd.delayMs)
          }) has passed: gang termination is imminent`
          : `${what} ${o.metadata.namespace}/${o.metadata.name}: MinAvailableBreached since ${cd.since}; gang termination in ${
            formatDuration(Math.round(cd.remainingMs / 1000) * 1000)
          } (at ${cd.deadline})`,
        file: `resources/${kind}.yaml`,
      });
    }
  }
  for (const p of (c.objects.pods ?? []) as Pod[]) {
    for (const l of crashLoops(p)) {
      f.push({
        severity: "critical",
        message:
          `pod ${p.metadata.namespace}/${p.metadata.name} container ${l.container}: CrashLoopBackOff, ${l.restartCount} restarts${
            l.lastExitCode !== undefined
              ? `, last exit ${l.lastExitCode}${l.lastReason ? ` (${l.lastReason})` : ""}`
              : ""
          }`,
        file: "tables/pods.txt",
      });
    }
    const u = unschedulableReason(p);
    if (u && p.status?.phase === "Pending") {
      f.push({
        severity: "warning",
        message: `pod ${p.metadata.namespace}/${p.metadata.name} is Pending: ${u.reason}${
          u.message ? `: ${u.message}` : ""
        }`,
        file: "tables/pods.txt",
      });
    }
  }
  for (const g of c.objects.podgangs ?? []) {
    const score = g.status?.placementScore;
    if (typeof score === "number" && score < 0.7) {
      f.push({
        severity: "warning",
        message: `podgang ${g.metadata.namespace}/${g.metadata.name}: low PlacementScore ${
          score.toFixed(2)
        } (pods spread across topology domains)`,
        file: "resources/podgangs.yaml",
      });
    }
  }
  for (const l of c.logs) {
    const errors = l.text.split("\n").filter((line) =>
      /"level"\s*:\s*"(error|fatal|panic)"|\blevel=(error|fatal)\b|^E\d{4} /i.test(line)
    );
    if (errors.length) {
      f.push({
        severity: "warning",
        message: `operator ${l.pod}/${l.container}${
          l.previous ? " (previous)" : ""
        }: ${errors.length} error line(s), last: ${
          redactText(errors[errors.length - 1]).text.slice(0, 200)
        }`,
        file: logFile(l),
      });
    }
  }
  const warnings = (c.objects.events ?? []).filter((e) => e.type === "Warning").sort((a, b) =>
    eventTime(b) - eventTime(a)
  );
  const normal = (c.objects.events ?? []).filter((e) => e.type !== "Warning").sort((a, b) =>
    eventTime(b) - eventTime(a)
  );
  // Warnings first; Normal events only when asked for (--events all).
  const shown = opts.events === "all"
    ? [...warnings.slice(0, 5), ...normal.slice(0, 5)]
    : warnings.slice(0, 5);
  if (opts.events !== "all" && normal.length) {
    f.push({
      severity: "info",
      message:
        `${normal.length} Normal event(s) not listed here (kubectl grove diag --events all; all are in tables/events.txt)`,
      file: "tables/events.txt",
    });
  }
  for (const e of shown) {
    const io = e.involvedObject ?? {};
    f.push({
      severity: e.type === "Warning" ? "warning" : "info",
      message: `${e.type === "Warning" ? "" : "Normal "}event ${e.reason} on ${
        String(io.kind ?? "").toLowerCase()
      } ${io.namespace ? io.namespace + "/" : ""}${io.name}${
        (e.count ?? 1) > 1 ? ` (x${e.count})` : ""
      }: ${redactText(String(e.message ?? "")).text.slice(0, 200)}`,
      file: "tables/events.txt",
    });
  }
  return f;
}

function logFile(
  l: { namespace: string; pod: string; container: string; previous: boolean },
): string {
  return `logs/${l.namespace}/${l.pod}/${l.container}${l.previous ? ".previous" : ""}.log`;
}

function podsTable(pods: Pod[], now: Date): string {
  return renderTable(
    ["namespace", "name", "phase", "status", "ready", "restarts", "node", "conditions", "age"],
    pods.map((p) => {
      const r = podReadyCount(p);
      const conds = (p.status?.conditions ?? []).filter((c) => c.status !== "True").map((c) =>
        `${c.type}=${c.status}${c.reason ? `(${c.reason})` : ""}`
      );
      return [
        p.metadata.namespace ?? "",
        p.metadata.name,
        p.status?.phase ?? "Unknown",
        podDisplayStatus(p),
        `${r.ready}/${r.total}`,
        String(podRestarts(p)),
        p.spec?.nodeName ?? "<none>",
        conds.join(",") || "-",
        ageOf(p.metadata.creationTimestamp, now),
      ];
    }),
  );
}

function nodesTable(nodes: Node[], pods: Pod[]): string {
  const alloc = gpusAllocatedByNode(pods);
  return renderTable(
    ["name", "ready", "schedulable", "gpu capacity", "gpu used/allocatable", "topology labels"],
    nodes.map((n) => [
      n.metadata.name,
      isNodeReady(n) ? "Ready" : "NotReady",
      isNodeCordoned(n) ? "cordoned" : "yes",
      String(n.status?.capacity?.[GPU_RESOURCE] ?? 0),
      `${alloc.get(n.metadata.name) ?? 0}/${nodeGpus(n)}`,
      Object.entries(n.metadata.labels ?? {})
        .filter(([k]) => /topology|zone|region|rack|block|hostname|spine|pod/i.test(k))
        .map(([k, v]) => `${k}=${v}`)
        .join(",") || "-",
    ]),
  );
}

function eventsTable(events: Event[], now: Date): string {
  const sorted = [...events].sort((
    a,
    b,
  ) => (a.type === b.type ? eventTime(b) - eventTime(a) : a.type === "Warning" ? -1 : 1));
  return renderTable(
    ["last seen", "type", "reason", "object", "count", "message"],
    sorted.map((e) => {
      const io = e.involvedObject ?? {};
      return [
        ageOf(new Date(eventTime(e)).toISOString(), now),
        e.type ?? "",
        e.reason ?? "",
        `${String(io.kind ?? "").toLowerCase()}/${io.name ?? ""}`,
        String(e.count ?? 1),
        redactText(String(e.message ?? "")).text.replace(/\s+/g, " "),
      ];
    }),
  );
}

/** Builds every file of the bundle from a collection. */
export function buildBundle(c: DiagCollection, ctx: BundleContext): Bundle {
  const files = new Map<string, string>();
  let redactions = 0;
  const redacted: Record<string, KubeObject[]> = {};
  for (const [kind, items] of Object.entries(c.objects)) {
    redacted[kind] = items.map((o) => {
      const r = redactObject(o);
      redactions += r.count;
      return r.object;
    });
  }
  for (const kind of RESOURCE_FILES) {
    const items = kind === "pods"
      ? [...(redacted.pods ?? []), ...(redacted.otherPods ?? [])]
      : redacted[kind];
    if (!items?.length) continue;
    files.set(
      `resources/${kind}.yaml`,
      items.map((o) => yamlDump(o, { noRefs: true, lineWidth: -1 })).join("---\n"),
    );
  }
  for (const l of c.logs) {
    const r = redactText(l.text);
    redactions += r.count;
    files.set(logFile(l), r.text);
  }
  for (const s of c.scrapes) {
    files.set(`metrics/${s.namespace}/${s.pod}/1.prom`, s.text);
  }
  const pods = (redacted.pods ?? []) as Pod[];
  files.set("tables/pods.txt", podsTable(pods, ctx.recordedAt));
  // GPU allocation counts every pod on the node, other namespaces' included
  files.set(
    "tables/nodes.txt",
    nodesTable((redacted.nodes ?? []) as Node[], [...pods, ...(redacted.otherPods ?? []) as Pod[]]),
  );
  files.set("tables/events.txt", eventsTable((redacted.events ?? []) as Event[], ctx.recordedAt));
  for (const r of ctx.reports ?? []) files.set(r.file, r.text);

  const findings = findProblems(c, ctx.recordedAt, { events: ctx.events });
  const failed = c.collectors.filter((x) => !x.ok);
  const meta = {
    recordedAt: ctx.recordedAt.toISOString(),
    description: `kubectl-grove diag of ${ctx.pcs ? `podcliqueset ${ctx.pcs} in ` : ""}${
      ctx.allNamespaces ? "all namespaces" : `namespace ${ctx.namespace}`
    } (context ${ctx.contextName}, ${ctx.server})`,
    namespace: ctx.namespace,
    groveInstalled: c.groveInstalled,
    collectedBy: `kubectl-grove ${VERSION}`,
    context: ctx.contextName,
    server: ctx.server,
    podCliqueSet: ctx.pcs ?? null,
    collectors: c.collectors,
  };
  files.set("meta.json", JSON.stringify(meta, null, 2) + "\n");
  files.set("summary.md", summary(c, ctx, findings, failed.length, redactions, [...files.keys()]));
  return { files, findings, redactions, partial: failed.length > 0 };
}

function summary(
  c: DiagCollection,
  ctx: BundleContext,
  findings: Finding[],
  failedCount: number,
  redactions: number,
  paths: string[],
): string {
  const lines: string[] = [];
  lines.push(`# Grove diagnostics`);
  lines.push("");
  lines.push(`- Recorded: ${ctx.recordedAt.toISOString()} by kubectl-grove ${VERSION}`);
  lines.push(`- Cluster: context \`${ctx.contextName}\`, server ${ctx.server}`);
  lines.push(
    `- Scope: ${ctx.allNamespaces ? "all namespaces" : `namespace \`${ctx.namespace}\``}${
      ctx.pcs ? `, podcliqueset \`${ctx.pcs}\`` : ""
    }; events of the last ${formatDuration(ctx.sinceMs)}`,
  );
  lines.push(
    `- Grove API: ${
      !c.groveInstalled
        ? "NOT served (CRDs missing: is the Grove operator installed?)"
        : c.groveForbidden
        ? `served, but NOT readable with these credentials (${c.groveForbidden}): the bundle lacks those objects`
        : "served"
    }`,
  );
  lines.push(`- Secrets: none collected; ${redactions} value(s) redacted`);
  lines.push(`- Replay offline: \`kubectl grove --replay <this directory> status --all\``);
  lines.push("");
  const crit = findings.filter((x) => x.severity === "critical");
  const warn = findings.filter((x) => x.severity === "warning");
  lines.push(`## Problems found (${crit.length} critical, ${warn.length} warnings)`);
  lines.push("");
  if (!findings.length) lines.push("None.");
  for (const x of [...crit, ...warn]) {
    lines.push(`- **${x.severity}**: ${x.message} (see \`${x.file}\`)`);
  }
  for (const x of findings.filter((y) => y.severity === "info")) {
    lines.push(`- ${x.message} (see \`${x.file}\`)`);
  }
  lines.push("");
  lines.push(
    `## Collection (${
      failedCount ? `${failedCount} collector(s) failed: the bundle is partial` : "complete"
    })`,
  );
  lines.push("");
  lines.push("| collector | result |");
  lines.push("|---|---|");
  for (const col of c.collectors) {
    lines.push(
      `| ${col.name} | ${
        col.ok ? `ok, ${col.count}` : `FAILED: ${col.error?.replace(/\|/g, "\\|")}`
      } |`,
    );
  }
  lines.push("");
  lines.push("## Files");
  lines.push("");
  for (const p of [...paths, "summary.md"].sort()) lines.push(`- \`${p}\``);
  lines.push("");
  return lines.join("\n");
}
