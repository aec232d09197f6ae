/**
 * The text of `recommend`: a ranked table (with a CONTEXT column over
 * several clusters), then one block per finding with its evidence and the
 * commands to run. Decides nothing.
 *
 * @module
 */

import { paint, type Style } from "../../lib/render/style.ts";
import { renderTable } from "../../lib/render/table.ts";
import type { RecommendFinding, RecommendReport, Severity } from "./report.ts";

/** Options of {@link renderFindings}. */
export interface RenderRecommendOptions {
  /** Terminal style. */
  style: Style;
  /** Show the CONTEXT column (fleet reads). */
  contexts?: boolean;
  /** Omit table headers. */
  noHeaders?: boolean;
}

const SEV: Record<Severity, "red" | "yellow" | "gray"> = {
  critical: "red",
  warning: "yellow",
  info: "gray",
};

function where(f: RecommendFinding): string {
  return f.namespace ? `${f.namespace}/${f.object}` : f.object;
}

/** Renders ranked findings (one report's, or a fleet's merged list). */
export function renderFindings(findings: RecommendFinding[], o: RenderRecommendOptions): string {
  if (findings.length === 0) return "";
  const headers = [
    "rank",
    "severity",
    ...(o.contexts ? ["context"] : []),
    "rule",
    "object",
    "finding",
  ];
  const rows = findings.map((f) => [
    String(f.rank),
    paint(o.style, SEV[f.severity], f.severity),
    ...(o.contexts ? [f.context ?? ""] : []),
    f.rule,
    where(f),
    f.title.length > 110 ? f.title.slice(0, 107) + "..." : f.title,
  ]);
  let out = renderTable(headers, rows, { noHeaders: o.noHeaders });
  for (const f of findings) {
    out += `\n#${f.rank} ${paint(o.style, SEV[f.severity], f.severity.toUpperCase())} ${f.rule}  ${
      o.contexts && f.context ? `context ${f.context}  ` : ""
    }${where(f)}\n`;
    out += `  ${f.title}\n`;
    for (const e of f.evidence) out += `  - ${e}\n`;
    if (f.commands.length) {
      out += "  Run:\n";
      for (const c of f.commands) {
        out += `    ${paint(o.style, "bold", c.command)}\n`;
        out += `      # ${c.purpose}${
          c.dryRun === "server"
            ? " (preview: add --dry-run=server)"
            : c.dryRun === "flag"
            ? " (preview: add --dry-run)"
            : ""
        }\n`;
      }
    }
    for (const w of f.withheld) out += `  Not recommended: ${w}\n`;
  }
  return out;
}

/** Renders one cluster's report: summary line, findings, notes. */
export function renderRecommend(r: RecommendReport, style: Style, noHeaders = false): string {
  const s = r.summary;
  let out = renderFindings(r.findings, { style, noHeaders });
  if (out) out += "\n";
  const over = `${plural(s.podCliqueSets, "PodCliqueSet")} and ${plural(s.gangs, "gang")}`;
  out += r.findings.length
    ? `${
      plural(r.findings.length, "finding")
    } (${s.critical} critical, ${s.warning} warning, ${s.info} info) over ${over}\n`
    : `Nothing to fix: no findings over ${over}\n`;
  if (r.notes.length) {
    out += "\nNotes:\n" + r.notes.map((n) => `  - ${n}\n`).join("");
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
