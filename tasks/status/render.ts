/**
 * Renders a {@link StatusReport} as text: a detailed view of one
 * PodCliqueSet (overview, clique lines with progress bars, gang lines with
 * PlacementScore bars, a summary line) or, with `--all`, one table row per
 * PodCliqueSet plus the cliques that need attention. Pure: it formats and
 * never decides; colour and Unicode come in through the style.
 *
 * A clique below minAvailable stands out without colour too: its line starts
 * with `!` and says `BELOW MIN`.
 *
 * @module
 */

import { formatAge } from "../../lib/grove/duration.ts";
import { bar, percent } from "../../lib/render/bar.ts";
import { displayWidth, type Paint, paint, PLAIN, type Style } from "../../lib/render/style.ts";
import { renderTable } from "../../lib/render/table.ts";
import { outputWidth, wrapLine } from "../../lib/render/wrap.ts";
import type {
  CliqueStatusInfo,
  GangStatusInfo,
  PcsState,
  PcsStatusInfo,
  ScalingGroupStatusInfo,
  StatusReport,
  StatusSummary,
  TerminationInfo,
} from "./report.ts";

/** Options of {@link renderStatus}. */
export interface StatusRenderOptions {
  /** Colour and Unicode (default {@link PLAIN}). */
  style?: Style;
  /** `-o wide`: scheduled/gated/updated counts, node spread, template hash, gang pods. */
  wide?: boolean;
  /** `--no-headers`: omit the header rows of tables. */
  noHeaders?: boolean;
}

const BAR_WIDTH = 10;
/** The marker that starts the line of anything that needs attention. */
export const ATTENTION_MARK = "!";

/**
 * Renders the report: the detailed view when it is about one named
 * PodCliqueSet, else the `--all` table. Returns "" for an empty `--all` report
 * (the caller says "no PodCliqueSets found" on stderr, as kubectl does).
 *
 * @example
 * ```ts
 * import { buildStatusReport } from "./report.ts";
 * import { renderStatus } from "./render.ts";
 * const report = buildStatusReport({
 *   scope: { name: "demo", namespace: "default", all: false, allNamespaces: false },
 *   podCliqueSets: [{ metadata: { name: "demo", namespace: "default" },
 *     spec: { replicas: 0, template: { cliques: [] } } }],
 *   podCliques: [], scalingGroups: [], podGangs: [], pods: [],
 * }, { now: Date.now() });
 * console.log(renderStatus(report));
 * ```
 */
export function renderStatus(report: StatusReport, opts: StatusRenderOptions = {}): string {
  const style = opts.style ?? PLAIN;
  if (!report.scope.all && report.podCliqueSets.length === 1) {
    return renderPcsDetail(report.podCliqueSets[0], { ...opts, style });
  }
  if (report.podCliqueSets.length === 0) return "";
  return renderAll(report, { ...opts, style });
}

// ---------------------------------------------------------------------------
// One PodCliqueSet
// ---------------------------------------------------------------------------

type Opts = StatusRenderOptions & { style: Style };

function stateColor(s: PcsState): Paint {
  switch (s) {
    case "Ready":
      return "green";
    case "Unhealthy":
      return "red";
    case "Unknown":
      return "gray";
    default:
      return "yellow";
  }
}

function renderPcsDetail(p: PcsStatusInfo, o: Opts): string {
  const s = o.style;
  const lines: [string, string][] = [
    ["Name:", paint(s, "bold", p.name)],
    ["Namespace:", p.namespace],
    ["Age:", p.age],
    ["State:", paint(s, stateColor(p.state), p.state)],
    ["Replicas:", replicasLine(p)],
    ["Update:", updateLine(p, s)],
  ];
  // Coherent (GREP-393): what is in scope, which PodGangs are in flight, the disruption budget.
  const u = p.update;
  if (u.inProgress && u.inScope?.length) lines.push(["", `in scope: ${u.inScope.join(", ")}`]);
  if (u.inProgress && u.inFlightPodGangs?.length) {
    lines.push(["", `in-flight PodGangs: ${u.inFlightPodGangs.join(", ")}`]);
  }
  for (const e of u.replicaErrors ?? []) lines.push(["", paint(s, "red", oneLine(e))]);
  if (u.maxUnavailable?.length) {
    lines.push([
      "Max unavailable:",
      u.maxUnavailable.map((m) => `${m.component} ${m.value}`).join(", "),
    ]);
  }
  if (p.scalingGroups.length) {
    lines.push(["Scaling groups:", p.scalingGroups.map((g) => groupText(g, s)).join(", ")]);
  }
  if (p.conditions.length) {
    p.conditions.forEach((c, i) =>
      lines.push([
        i === 0 ? "Conditions:" : "",
        `${c.type}=${c.status}${c.reason && c.reason !== c.type ? ` ${c.reason}` : ""} (${c.age})${
          c.message ? `: ${oneLine(c.message)}` : ""
        }`,
      ])
    );
  }
  if (p.lastErrors.length) {
    p.lastErrors.forEach((e, i) =>
      lines.push([
        i === 0 ? "Last errors:" : "",
        paint(s, "red", `${e.code || "error"}: ${oneLine(e.description)}`) +
        (e.observedAt ? ` (${e.age} ago)` : ""),
      ])
    );
  }
  const w = Math.max(...lines.map(([k]) => k.length)) + 1;
  const width = outputWidth(s);
  // values wrap under themselves; -o wide keeps one line per field
  const field = ([k, v]: [string, string]) =>
    (o.wide ? [v] : wrapLine(v, width - w).map((l, i) => i ? l.slice(2) : l))
      .map((l, i) => `${(i ? "" : k).padEnd(w)}${l}`.trimEnd());
  let out = lines.flatMap(field).join("\n") + "\n";
  out += "\n" + cliqueTable(p.cliques, o);
  if (p.gangs.length) out += "\n" + gangTable(p.gangs, o);
  out += "\n" + wrapTo(summaryLine(p.summary), o) + "\n";
  for (const n of p.notes) out += wrapTo(`Note: ${n}`, o) + "\n";
  return out;
}

/** Wraps a prose line at the output width (not with -o wide). */
function wrapTo(line: string, o: Opts): string {
  return o.wide ? line : wrapLine(line, outputWidth(o.style)).join("\n");
}

/** The widest line of a block, in columns. */
function widest(text: string): number {
  return Math.max(0, ...text.split("\n").map(displayWidth));
}

function replicasLine(p: PcsStatusInfo): string {
  const r = p.replicas;
  const v = (x: number | null) => (x === null ? "?" : String(x));
  return `${r.desired} desired | ${v(r.updated)} updated | ${v(r.available)} available`;
}

function strategyText(u: PcsStatusInfo["update"]): string {
  return u.strategyKnown === false ? `${u.strategy}, an unknown strategy` : u.strategy;
}

function updateLine(p: PcsStatusInfo, s: Style): string {
  const u = p.update;
  if (!u.inProgress) {
    return u.endedAt
      ? `none in progress (last ended ${u.age} ago; strategy ${strategyText(u)})`
      : `none in progress (strategy ${strategyText(u)})`;
  }
  const parts: string[] = [];
  if (u.totalCliques !== undefined) {
    parts.push(`cliques ${u.updatedCliques ?? 0}/${u.totalCliques}`);
  }
  if (u.totalScalingGroups) {
    parts.push(`scaling groups ${u.updatedScalingGroups ?? 0}/${u.totalScalingGroups}`);
  }
  if (u.currentlyUpdating.length) parts.push(`updating replica ${u.currentlyUpdating.join(", ")}`);
  const head = paint(s, "yellow", "IN PROGRESS") + (u.age ? ` for ${u.age}` : "") +
    ` (${strategyText(u)})`;
  const progress = u.progress !== undefined
    ? `  ${bar(u.progress, s, { width: BAR_WIDTH, paint: "yellow" })} ${percent(u.progress)}`
    : "";
  return `${head}${parts.length ? `: ${parts.join(", ")}` : ""}${progress}`;
}

function groupText(g: ScalingGroupStatusInfo, s: Style): string {
  const avail = g.available === undefined ? "?" : String(g.available);
  const base = `${g.name} ${avail}/${g.desired} available (min ${g.minAvailable})`;
  if (!g.belowMinAvailable && !g.minAvailableBreached) return base;
  return paint(s, "red", `${ATTENTION_MARK}${base} BELOW MIN`) + countdownText(g.termination);
}

function countdownText(t: TerminationInfo | undefined): string {
  if (!t) return "";
  return t.expired
    ? `, gang termination overdue by ${formatAge(-t.remainingMs)}`
    : `, gang terminates in ${formatAge(t.remainingMs)}`;
}

function readyCell(c: CliqueStatusInfo, s: Style): string {
  const text = `${c.ready}/${c.desired}`;
  const how: Paint = c.belowMinAvailable ? "red" : c.ready >= c.desired ? "green" : "yellow";
  return paint(s, how, text);
}

function progressCell(fraction: number, how: Paint, s: Style): string {
  return `${bar(fraction, s, { width: BAR_WIDTH, paint: how })} ${percent(fraction).padStart(4)}`;
}

function cliqueNotes(c: CliqueStatusInfo, wide: boolean, s: Style): string {
  const notes: string[] = [];
  if (c.belowMinAvailable) {
    notes.push(
      paint(s, "red", "BELOW MIN") +
        (c.waitingForScheduling && c.exists
          ? `: waiting for scheduling (${c.scheduled}/${c.minAvailable} of min scheduled; no termination countdown yet)`
          : countdownText(c.termination).replace(/^, /, "; ")),
    );
  } else if (c.minAvailableBreached) {
    notes.push(paint(s, "red", "MinAvailableBreached") + countdownText(c.termination));
  }
  if (!c.exists) notes.push("not created yet");
  else if (!wide && !c.waitingForScheduling && (c.scheduled !== c.desired || c.scheduleGated > 0)) {
    notes.push(
      `scheduled ${c.scheduled}/${c.desired}${c.scheduleGated ? `, ${c.scheduleGated} gated` : ""}`,
    );
  }
  if (!wide && c.exists && c.updated !== undefined && c.updated < c.desired) {
    notes.push(`updated ${c.updated}/${c.desired}`);
  }
  if (c.exists && c.countsFrom === "pods") notes.push("no status: counted from pods");
  return notes.join("; ");
}

/**
 * The clique table. Default output fits the width: with the progress bars and
 * notes when that fits, else without the bars, else with the notes as lines
 * under the table. `-o wide` always has every column.
 */
function cliqueTable(cliques: CliqueStatusInfo[], o: Opts): string {
  if (cliques.length === 0) return "No PodCliques.\n";
  if (o.wide) return cliqueTableOf(cliques, o, { progress: true, notes: true });
  const width = outputWidth(o.style);
  const full = cliqueTableOf(cliques, o, { progress: true, notes: true });
  if (widest(full) <= width) return full;
  const noBars = cliqueTableOf(cliques, o, { progress: false, notes: true });
  if (widest(noBars) <= width) return noBars;
  const table = cliqueTableOf(cliques, o, { progress: false, notes: false });
  const notes = cliques.map((c) => [c, cliqueNotes(c, false, o.style)] as const)
    .filter(([, n]) => n !== "")
    .flatMap(([c, n]) =>
      wrapLine(
        `  ${c.belowMinAvailable ? paint(o.style, "red", ATTENTION_MARK) : "-"} ${c.name}: ${n}`,
        width,
      )
    );
  return notes.length ? `${table}${notes.join("\n")}\n` : table;
}

function cliqueTableOf(
  cliques: CliqueStatusInfo[],
  o: Opts,
  show: { progress: boolean; notes: boolean },
): string {
  const s = o.style;
  const anyGroup = cliques.some((c) => c.scalingGroup);
  const headers = ["CLIQUE", "ROLE", "READY", "MIN"];
  if (show.progress) headers.push("PROGRESS");
  if (o.wide) headers.push("SCHEDULED", "GATED", "UPDATED", "NODES", "HASH", "GANG");
  if (anyGroup) headers.push("GROUP");
  if (show.notes) headers.push("NOTES");
  const mark = cliques.some((c) => c.belowMinAvailable);
  if (mark) headers[0] = `  ${headers[0]}`;
  const rows = cliques.map((c) => {
    const how: Paint = c.belowMinAvailable ? "red" : c.ready >= c.desired ? "green" : "yellow";
    const name = (mark ? (c.belowMinAvailable ? paint(s, "red", ATTENTION_MARK) : " ") + " " : "") +
      c.name;
    const row = [
      name,
      c.role,
      readyCell(c, s),
      show.progress ? `min:${c.minAvailable}` : String(c.minAvailable),
    ];
    if (show.progress) row.push(progressCell(c.progress, how, s));
    if (o.wide) {
      row.push(
        `${c.scheduled}/${c.desired}`,
        String(c.scheduleGated),
        c.updated === undefined ? "-" : `${c.updated}/${c.desired}`,
        String(c.nodes),
        c.podTemplateHash ?? "-",
        c.gang ?? "-",
      );
    }
    if (anyGroup) {
      row.push(c.scalingGroup ? `${c.scalingGroup}[${c.scalingGroupReplica ?? "?"}]` : "-");
    }
    if (show.notes) row.push(cliqueNotes(c, !!o.wide, s));
    return row;
  });
  return renderTable(headers, rows, { noHeaders: o.noHeaders });
}

function phaseColor(phase: string): Paint {
  if (phase === "Running") return "green";
  if (phase === "Starting" || phase === "Pending") return "yellow";
  return "red";
}

function scoreColor(score: number): Paint {
  return score >= 0.8 ? "green" : score >= 0.5 ? "yellow" : "red";
}

function scoreCell(g: GangStatusInfo, s: Style): string {
  if (g.placementScore === null) {
    return `${" ".repeat(displayWidth(bar(0, withoutColor(s), { width: BAR_WIDTH })))}    -`;
  }
  return `${bar(g.placementScore, s, { width: BAR_WIDTH, paint: scoreColor(g.placementScore) })} ${
    g.placementScore.toFixed(2)
  }`;
}

/** The style without colour (for measuring widths). */
function withoutColor(s: Style): Style {
  return { ...s, color: false };
}

/** The gang table; at the default width, notes that do not fit go under it. */
function gangTable(gangs: GangStatusInfo[], o: Opts): string {
  const full = gangTableOf(gangs, o, true);
  const width = outputWidth(o.style);
  if (o.wide || widest(full) <= width) return full;
  const notes = gangs.filter((g) => g.placementScoreReason)
    .flatMap((g) => wrapLine(`  - ${g.name}: score: ${g.placementScoreReason}`, width));
  return gangTableOf(gangs, o, false) + (notes.length ? notes.join("\n") + "\n" : "");
}

function gangTableOf(gangs: GangStatusInfo[], o: Opts, withNotes: boolean): string {
  const s = o.style;
  const headers = ["PODGANG", "PHASE", "PLACEMENT SCORE"];
  if (o.wide) headers.push("PODS READY", "MIN PODS", "SCHEDULER", "AGE");
  if (withNotes) headers.push("NOTES");
  const rows = gangs.map((g) => {
    const row = [g.name, paint(s, phaseColor(g.phase), g.phase), scoreCell(g, s)];
    if (o.wide) {
      row.push(`${g.readyPods}/${g.pods}`, String(g.minPods), g.scheduler ?? "-", g.age);
    }
    if (withNotes) row.push(g.placementScoreReason ? `score: ${g.placementScoreReason}` : "");
    return row;
  });
  return renderTable(headers, rows, { noHeaders: o.noHeaders });
}

function summaryLine(x: StatusSummary): string {
  const below = x.cliquesBelowMin ? `, ${x.cliquesBelowMin} below min` : "";
  return `Summary: ${x.cliques} clique${
    x.cliques === 1 ? "" : "s"
  } (${x.cliquesReady} ready${below}), ` +
    `${x.podsReady}/${x.podsDesired} pods ready, ${x.gangsRunning}/${x.gangs} gangs running`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

// ---------------------------------------------------------------------------
// --all
// ---------------------------------------------------------------------------

/** The lowest PlacementScore among a set's gangs (`-` when no gang has one). */
function lowestScore(p: PcsStatusInfo): string {
  const scores = p.gangs.map((g) => g.placementScore).filter((x): x is number => x !== null);
  return scores.length ? Math.min(...scores).toFixed(2) : "-";
}

function renderAll(report: StatusReport, o: Opts): string {
  const anyUpdate = report.podCliqueSets.some((p) => p.update.inProgress);
  const full = renderAllOf(report, o, { update: true, separator: "   " });
  if (o.wide || widest(full) <= outputWidth(o.style)) return full;
  // narrower: the UPDATE column only while an update is in progress, then two-space gaps
  const noUpdate = renderAllOf(report, o, { update: anyUpdate, separator: "   " });
  if (widest(noUpdate) <= outputWidth(o.style)) return noUpdate;
  const tight = renderAllOf(report, o, { update: anyUpdate, separator: "  " });
  if (widest(tight) <= outputWidth(o.style)) return tight;
  // last: AGE moves to -o wide
  return renderAllOf(report, o, { update: anyUpdate, separator: "  ", age: false });
}

function renderAllOf(
  report: StatusReport,
  o: Opts,
  show: { update: boolean; separator: string; age?: boolean },
): string {
  const s = o.style;
  const showNs = report.scope.allNamespaces ||
    new Set(report.podCliqueSets.map((p) => p.namespace)).size > 1;
  const attention = (p: PcsStatusInfo) =>
    p.state === "Unhealthy" || p.summary.cliquesBelowMin > 0 || p.lastErrors.length > 0;
  const mark = report.podCliqueSets.some(attention);
  const headers = [
    ...(showNs ? ["NAMESPACE"] : []),
    "NAME",
    "STATE",
    "REPLICAS",
    "CLIQUES",
    "PODS",
    "GANGS",
    "SCORE",
    ...(show.update ? ["UPDATE"] : []),
  ];
  if (o.wide) headers.push("UPDATED", "BELOW MIN", "LAST ERROR");
  if (show.age !== false) headers.push("AGE");
  if (mark) headers[0] = `  ${headers[0]}`;
  const rows = report.podCliqueSets.map((p) => {
    const first = showNs ? p.namespace : p.name;
    const lead = mark ? (attention(p) ? paint(s, "red", ATTENTION_MARK) : " ") + " " : "";
    const row = [
      lead + first,
      ...(showNs ? [p.name] : []),
      paint(s, stateColor(p.state), p.state),
      `${p.replicas.available ?? "?"}/${p.replicas.desired}`,
      `${p.summary.cliquesReady}/${p.summary.cliques}`,
      `${p.summary.podsReady}/${p.summary.podsDesired}`,
      `${p.summary.gangsRunning}/${p.summary.gangs}`,
      lowestScore(p),
    ];
    if (show.update) {
      row.push(
        p.update.inProgress
          ? (p.update.progress !== undefined ? percent(p.update.progress) : "yes")
          : "-",
      );
    }
    if (o.wide) {
      row.push(
        `${p.replicas.updated ?? "?"}/${p.replicas.desired}`,
        String(p.summary.cliquesBelowMin),
        p.lastErrors.length ? oneLine(p.lastErrors[0].code || p.lastErrors[0].description) : "-",
      );
    }
    if (show.age !== false) row.push(p.age);
    return row;
  });
  let out = renderTable(headers, rows, { noHeaders: o.noHeaders, separator: show.separator });
  const problems = report.podCliqueSets.flatMap((p) =>
    p.cliques.filter((c) => c.belowMinAvailable).map((c) =>
      `  ${
        paint(s, "red", ATTENTION_MARK)
      } ${p.namespace}/${c.name}: ${c.ready}/${c.desired} ready, min ${c.minAvailable}, ${
        paint(s, "red", "BELOW MIN")
      }${countdownText(c.termination)}${c.exists ? "" : " (not created yet)"}`
    )
  );
  if (problems.length) {
    out += `\nBelow minAvailable:\n${problems.map((l) => wrapTo(l, o)).join("\n")}\n`;
  }
  const x = report.summary;
  out += "\n" + wrapTo(
    `${x.podCliqueSets} PodCliqueSet${x.podCliqueSets === 1 ? "" : "s"}; ` +
      summaryLine(x).replace(/^Summary: /, ""),
    o,
  ) + "\n";
  return out;
}
