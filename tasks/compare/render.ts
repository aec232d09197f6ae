/**
 * Text rendering of the compare report. Pure.
 *
 * @module
 */

import { paint, type Style } from "../../lib/render/style.ts";
import { renderTable } from "../../lib/render/table.ts";
import { outputWidth, wrapCommand, wrapLine } from "../../lib/render/wrap.ts";
import { fmtMs } from "../metrics/report.ts";
import { fmtRate } from "../metrics/render.ts";
import type { CompareReport, CompareRow, RowStatus } from "./report.ts";

const ITEM_NAMES: Record<CompareRow["item"], string> = {
  throughputPerGpu: "tok/s per GPU",
  ttftP99: "TTFT p99",
  tpotP99: "TPOT p99",
  placementScore: "PlacementScore (min)",
  workers: "workers (ready)",
  gpus: "GPUs",
};

function val(row: CompareRow, x: number | null): string {
  if (x === null) return "-";
  if (row.unit === "ms") return fmtMs(x);
  if (row.unit === "score") return x.toFixed(2);
  if (row.unit === "count") return String(x);
  return fmtRate(x);
}

function statusCell(s: RowStatus, style: Style): string {
  if (s === "breach") return paint(style, "red", "BREACH");
  if (s === "warn") return paint(style, "yellow", "warn");
  if (s === "ok") return paint(style, "green", "ok");
  return "-";
}

/**
 * Renders the compare report.
 *
 * @example
 * ```ts ignore
 * import { renderCompare } from "./render.ts";
 * import { PLAIN } from "../../lib/render/style.ts";
 * console.log(renderCompare(report, PLAIN));
 * ```
 */
export function renderCompare(r: CompareReport, style: Style, noHeaders = false): string {
  const out: string[] = [];
  const width = outputWidth(style);
  const push = (line: string) => out.push(...wrapLine(line, width));
  const planText = r.plan
    ? `plan: ${
      [r.plan.model, r.plan.system, r.plan.servingMode].filter(Boolean).join(", ") || "stored"
    }`
    : "no plan stored";
  const window = r.windowSeconds > 0 ? `${r.windowSeconds}s window` : "single scrape";
  push(
    `${
      paint(style, "bold", `PodCliqueSet ${r.pcs}`)
    } in ${r.namespace}: planned vs actual over a ${window} (${planText})`,
  );
  if (r.planHint) push(r.planHint);
  out.push("");
  const rows = r.rows.map((row) => [
    ITEM_NAMES[row.item],
    row.role ?? "-",
    val(row, row.planned),
    row.item === "placementScore" && row.sla !== null
      ? `>=${row.sla.toFixed(2)}`
      : row.sla === null
      ? "-"
      : val(row, row.sla),
    val(row, row.actual),
    row.deltaPct === null ? "-" : `${row.deltaPct > 0 ? "+" : ""}${row.deltaPct}%`,
    statusCell(row.status, style),
  ]);
  out.push(
    renderTable(["item", "role", "planned", "sla", "actual", "delta", "status"], rows, {
      noHeaders,
      alignRight: [2, 3, 4, 5],
    }).trimEnd(),
  );
  push(`  tok/s per GPU: ${r.metrics.throughput.basis}`);
  out.push("");
  if (r.findings.length) {
    out.push("Diagnosis:");
    for (const f of r.findings) {
      const sev = f.severity === "critical"
        ? paint(style, "red", "critical")
        : f.severity === "warning"
        ? paint(style, "yellow", "warning")
        : "info";
      push(`  [${sev}] ${f.message}`);
    }
  } else {
    out.push("Diagnosis: nothing found");
  }
  if (r.recommendations.length) {
    out.push("");
    out.push("Recommendations:");
    for (const x of r.recommendations) {
      push(`  ${x.priority}. [${x.level}] ${x.action}`);
      out.push(...wrapCommand(x.command, width, "     ").map((l) => paint(style, "cyan", l)));
      push(`     Expected: ${x.expected}`);
    }
  }
  if (r.notes.length) {
    out.push("");
    out.push("Notes:");
    for (const n of r.notes) push(`  - ${n}`);
  }
  out.push("");
  const verdict = r.status === "breach"
    ? paint(style, "red", "BREACH (exit code 3)")
    : r.status === "warn"
    ? paint(style, "yellow", "within SLA, with warnings")
    : r.status === "ok"
    ? paint(style, "green", "within plan and SLA")
    : "actuals only (no plan, no SLA)";
  out.push(`Status: ${verdict}`);
  return out.join("\n") + "\n";
}
