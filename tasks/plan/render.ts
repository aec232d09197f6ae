/**
 * Text output of `plan show`, `plan diff`, `plan list` and `plan store`. Pure.
 *
 * @module
 */

import { type Plan, planRoles, planTotalGpus, roleGpus } from "../../lib/aic/plan.ts";
import { ageOf } from "../../lib/grove/duration.ts";
import { renderTable } from "../../lib/render/table.ts";
import { paint, type Style } from "../../lib/render/style.ts";
import type { PlanDiffReport, PlanListReport, PlanShowReport } from "./report.ts";

function num(n: number | undefined): string {
  if (n === undefined) return "-";
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** The plan as lines of text (also used to show an old plan before refusing to overwrite it). */
export function renderPlanBody(p: Plan): string {
  const rows = planRoles(p).map((r) => [
    r.role,
    String(r.workers),
    String(r.tp),
    r.pp === undefined ? "-" : String(r.pp),
    r.dp === undefined ? "-" : String(r.dp),
    String(roleGpus(r)),
    String(r.workers * roleGpus(r)),
  ]);
  const lines = [
    `model:         ${p.model}`,
    `system:        ${p.system}`,
    `serving mode:  ${p.serving_mode}`,
  ];
  if (p.backend) {
    lines.push(`backend:       ${p.backend}${p.backend_version ? ` ${p.backend_version}` : ""}`);
  }
  lines.push(`total GPUs:    ${planTotalGpus(p)}`);
  lines.push("");
  lines.push(
    ...renderTable(["role", "workers", "tp", "pp", "dp", "gpus/worker", "gpus"], rows)
      .trimEnd().split("\n").map((l) => `  ${l}`),
  );
  lines.push("");
  const e = p.expected;
  lines.push(
    `expected:      ${num(e.throughput_tokens_per_sec_per_gpu)} tokens/s/GPU, TTFT ${
      num(e.ttft_ms)
    } ms, TPOT ${num(e.tpot_ms)} ms`,
  );
  lines.push(`SLA:           TTFT <= ${num(p.sla.ttft_ms)} ms, TPOT <= ${num(p.sla.tpot_ms)} ms`);
  if (p.isl !== undefined || p.osl !== undefined) {
    lines.push(`ISL / OSL:     ${num(p.isl)} / ${num(p.osl)}`);
  }
  if (p.created) lines.push(`created:       ${p.created}`);
  if (p.aiconfigurator_version) lines.push(`aiconfigurator: ${p.aiconfigurator_version}`);
  if (p.source) lines.push(`source:        ${p.source}`);
  return lines.join("\n") + "\n";
}

/** `plan show`. */
export function renderPlanShow(r: PlanShowReport, now: Date): string {
  const head = `Plan of podcliqueset ${r.pcs} (namespace ${r.namespace}, configmap ${r.configMap}${
    r.storedAt ? `, stored ${ageOf(r.storedAt, now)} ago` : ""
  })`;
  const pcsNote = r.pcsExists === false
    ? `\nnote: podcliqueset "${r.pcs}" does not exist in namespace "${r.namespace}"\n`
    : "";
  return `${head}\n\n${renderPlanBody(r.plan)}${pcsNote}`;
}

/** `plan diff`. */
export function renderPlanDiff(r: PlanDiffReport, style: Style): string {
  const rows = r.rows.map((x) => [
    x.role,
    x.field,
    x.plan,
    x.deployed,
    x.status === "drift"
      ? paint(style, "red", "DRIFT")
      : x.status === "unknown"
      ? paint(style, "yellow", "unknown")
      : paint(style, "green", "ok"),
  ]);
  const out = [
    `Plan (${r.servingMode}, ${r.model}) against podcliqueset ${r.pcs} in namespace ${r.namespace}:`,
    "",
    renderTable(["role", "field", "plan", "deployed", "status"], rows).trimEnd(),
    "",
  ];
  const drifted = r.rows.filter((x) => x.status === "drift").length;
  out.push(
    r.drift
      ? paint(style, "red", `drift: ${drifted} difference${drifted === 1 ? "" : "s"} from the plan`)
      : paint(style, "green", "no drift: the deployment matches the plan"),
  );
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join("\n") + "\n";
}

/** `plan list`. */
export function renderPlanList(
  r: PlanListReport,
  now: Date,
  opts: { allNamespaces?: boolean; noHeaders?: boolean } = {},
): string {
  if (r.items.length === 0) {
    return "";
  }
  const headers = [
    ...(opts.allNamespaces ? ["namespace"] : []),
    "pcs",
    "mode",
    "model",
    "system",
    "gpus",
    "tok/s/gpu",
    "sla ttft/tpot",
    "deployed",
    "age",
  ];
  const rows = r.items.map((i) => [
    ...(opts.allNamespaces ? [i.namespace] : []),
    i.pcs,
    i.servingMode ?? "invalid",
    i.model ?? "-",
    i.system ?? "-",
    i.totalGpus === undefined ? "-" : String(i.totalGpus),
    num(i.throughputPerGpu),
    i.sla ? `${num(i.sla.ttftMs)}/${num(i.sla.tpotMs)} ms` : "-",
    i.pcsExists ? "yes" : "no",
    i.storedAt ? ageOf(i.storedAt, now) : "-",
  ]);
  return renderTable(headers, rows, { noHeaders: opts.noHeaders });
}
