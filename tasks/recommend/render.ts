/**
 * The text of `recommend`: a ranked table (with a CONTEXT column over
 * several clusters), then one block per finding with its evidence and the
 * commands to run. Decides nothing.
 *
 * @module
 */

import { displayWidth, paint, type Style } from "../../lib/render/style.ts";
import { outputWidth, wrapCommand, wrapLine } from "../../lib/render/wrap.ts";
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
  const width = outputWidth(o.style);
  // the table names each finding in a line: the object and the whole finding follow below it
  const headers = ["rank", "severity", ...(o.contexts ? ["context"] : []), "rule", "finding"];
  const fixed = (
    f: RecommendFinding,
  ) => [String(f.rank), f.severity, ...(o.contexts ? [f.context ?? ""] : []), f.rule];
  const widths = headers.slice(0, -1).map((h, i) =>
    Math.max(h.length, ...findings.map((f) => displayWidth(fixed(f)[i])))
  );
  const room = Math.max(20, width - widths.reduce((a, b) => a + b + 3, 0));
  const rows = findings.map((f) => [
    String(f.rank),
    paint(o.style, SEV[f.severity], f.severity),
    ...(o.contexts ? [f.context ?? ""] : []),
    f.rule,
    f.title.length > room ? f.title.slice(0, room - 3) + "..." : f.title,
  ]);
  const out = [renderTable(headers, rows, { noHeaders: o.noHeaders }).trimEnd()];
  const push = (line: string) => out.push(...wrapLine(line, width));
  for (const f of findings) {
    out.push("");
    push(
      `#${f.rank} ${paint(o.style, SEV[f.severity], f.severity.toUpperCase())} ${f.rule}  ${
        o.contexts && f.context ? `context ${f.context}  ` : ""
      }${where(f)}`,
    );
    push(`  ${f.title}`);
    for (const e of f.evidence) push(`  - ${e}`);
    if (f.commands.length) {
      out.push("  Run:");
      for (const c of f.commands) {
        // long commands continue with a backslash: still runnable as printed
        out.push(...wrapCommand(c.command, width, "    ").map((l) => paint(o.style, "bold", l)));
        push(
          `      # ${c.purpose}${
            c.dryRun === "server"
              ? " (preview: add --dry-run=server)"
              : c.dryRun === "flag"
              ? " (preview: add --dry-run)"
              : ""
          }`,
        );
      }
    }
    for (const w of f.withheld) push(`  Not recommended: ${w}`);
  }
  return out.join("\n") + "\n";
}

/** Renders one cluster's report: summary line, findings, notes. */
export function renderRecommend(r: RecommendReport, style: Style, noHeaders = false): string {
  const s = r.summary;
  let out = renderFindings(r.findings, { style, noHeaders });
  if (out) out += "\n";
  const over = `${plural(s.podCliqueSets, "PodCliqueSet")} and ${plural(s.gangs, "gang")}`;
  const width = outputWidth(style);
  out += wrapLine(
    r.findings.length
      ? `${
        plural(r.findings.length, "finding")
      } (${s.critical} critical, ${s.warning} warning, ${s.info} info) over ${over}`
      : `Nothing to fix: no findings over ${over}`,
    width,
  ).join("\n") + "\n";
  if (r.notes.length) {
    out += "\nNotes:\n" + r.notes.flatMap((n) => wrapLine(`  - ${n}`, width)).join("\n") + "\n";
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
