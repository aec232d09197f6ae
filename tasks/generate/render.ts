/**
 * Text output of `generate`: per mode the file, workers with TP and GPUs,
 * total GPUs, expected throughput per GPU, TTFT, TPOT and whether the SLA is
 * met; then notes and the next commands. Pure.
 *
 * @module
 */

import { paint, type Style } from "../../lib/render/style.ts";
import type { GeneratedMode, GeneratedRole, GenerateReport } from "./report.ts";

function num(n: number, digits = 2): string {
  return n.toFixed(digits).replace(/\.?0+$/, "") || "0";
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function role(r: GeneratedRole): string {
  const par = [`TP${r.tp}`];
  if (r.pp > 1) par.push(`PP${r.pp}`);
  if (r.dp > 1) par.push(`DP${r.dp}`);
  const span = r.nodesPerWorker > 1
    ? `, ${r.nodesPerWorker} nodes x ${plural(r.gpusPerPod, "GPU")}`
    : "";
  return `${r.role} ${r.workers} x (${par.join(" ")}, ${plural(r.gpusPerWorker, "GPU")}${span})`;
}

function mode(m: GeneratedMode, report: GenerateReport, style: Style): string[] {
  const title = m.mode === "disagg" ? "disaggregated" : "aggregated";
  const best = m.best
    ? paint(
      style,
      "green",
      report.disaggSpeedup && m.mode === "disagg"
        ? ` (best: ${num(report.disaggSpeedup)}x agg throughput per GPU)`
        : " (best)",
    )
    : "";
  const sla = m.slaMet === undefined
    ? "unknown (no SLA given)"
    : m.slaMet
    ? paint(style, "green", "yes")
    : paint(style, "red", "no");
  const lines = [
    paint(style, "bold", `${m.mode}: ${title} serving`) + best,
    `  file:        ${m.file}`,
    `  plan:        ${m.planFile}${
      m.storedPlan ? `  (ConfigMap ${m.pcs}-aic-plan ${m.storedPlan})` : ""
    }`,
    `  pcs:         ${m.pcs}`,
    `  workers:     ${m.roles.map(role).join(", ")}`,
    `  GPUs:        ${m.totalGpus}`,
    `  throughput:  ${num(m.throughputPerGpu)} tokens/s/GPU (${
      num(m.throughputPerUser)
    } tokens/s/user)`,
    `  TTFT:        ${num(m.ttftMs)} ms`,
    `  TPOT:        ${num(m.tpotMs)} ms`,
    `  SLA met:     ${sla}`,
  ];
  return lines;
}

/** Renders the report as text. */
export function renderGenerate(r: GenerateReport, style: Style): string {
  const sla = r.sla ? `, SLA TTFT <= ${num(r.sla.ttftMs)} ms, TPOT <= ${num(r.sla.tpotMs)} ms` : "";
  const out = [
    `AIConfigurator plan for ${r.model} on ${r.totalGpus} x ${r.system} (${r.backend}${
      r.backendVersion ? ` ${r.backendVersion}` : ""
    }), ISL ${r.isl}, OSL ${r.osl}${sla}`,
    `results: ${r.resultsDir}`,
  ];
  for (const m of [...r.modes].sort((a, b) => Number(b.best) - Number(a.best))) {
    out.push("", ...mode(m, r, style));
  }
  if (r.notes.length) {
    out.push("", "Notes:", ...r.notes.map((n) => `  - ${n}`));
  }
  if (r.next.length) {
    out.push("", "Next:", ...r.next.map((c) => `  ${c}`));
  }
  return out.join("\n") + "\n";
}
