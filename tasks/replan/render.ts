/** `replan` as text: workload, stored plan / new plan / running side by side, commands. @module */

import { renderTable } from "../../lib/render/table.ts";
import { paint, type Style } from "../../lib/render/style.ts";
import type { LengthStats, ReplanReport, RoleCell } from "./report.ts";

function num(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "-";
  return digits ? x.toFixed(digits).replace(/\.?0+$/, "") : String(Math.round(x));
}

function lengths(s: LengthStats | undefined): string {
  if (!s) return "-";
  return `p50 ${num(s.p50)}, p90 ${num(s.p90)}, p99 ${num(s.p99)}, mean ${num(s.mean)} (${
    num(s.count)
  } requests)`;
}

function role(cells: RoleCell[], name: string): string {
  const c = cells.find((x) => x.role === name);
  if (!c) return "-";
  const par = [
    c.tp !== undefined ? `TP${c.tp}` : "TP?",
    ...(c.pp && c.pp > 1 ? [`PP${c.pp}`] : []),
    ...(c.dp && c.dp > 1 ? [`DP${c.dp}`] : []),
  ].join(" ");
  return `${c.workers} x ${par} (${c.gpusPerWorker} GPU${c.gpusPerWorker === 1 ? "" : "s"})`;
}

/** Renders the report. */
export function renderReplan(r: ReplanReport, style: Style): string {
  const out: string[] = [];
  const o = r.observed;
  out.push(`Replan of podcliqueset ${r.pcs} (namespace ${r.namespace})`);
  out.push("");
  if (o) {
    out.push(
      `Workload (${o.source}, ${
        o.basis === "window" ? `last ${num(o.windowSeconds, 1)}s` : "since the engines started"
      }):`,
    );
    out.push(`  prompt tokens:      ${lengths(o.prompt)}`);
    out.push(`  generation tokens:  ${lengths(o.generation)}`);
    out.push(
      `  request rate:       ${o.requestRate === null ? "-" : `${num(o.requestRate, 2)} req/s`}`,
    );
    const sla = (k: "ttft" | "tpot", label: string) => {
      const s = r.sla[k];
      const m = k === "ttft" ? o.ttftMs : o.tpotMs;
      const st = s.status === "breach"
        ? paint(style, "red", "BREACH")
        : s.status === "ok"
        ? paint(style, "green", "ok")
        : "unknown";
      return `  ${label}p50 ${num(m?.p50, 1)} ms, p99 ${num(s.p99Ms, 1)} ms (SLA ${
        num(s.limitMs, 1)
      } ms: ${st})`;
    };
    out.push(sla("ttft", "TTFT measured:      "));
    out.push(sla("tpot", "TPOT measured:      "));
    out.push("");
  }
  const i = r.inputs;
  out.push(
    `Search: ${i.model} on ${i.totalGpus} x ${i.system} (${i.backend}), ISL ${i.isl} (${i.from.isl}), OSL ${i.osl} (${i.from.osl}), TTFT <= ${
      num(i.ttftMs, 1)
    } ms, TPOT <= ${num(i.tpotMs, 1)} ms (${i.from.sla}), ${i.mode}`,
  );
  out.push(`results: ${r.resultsDir}`);
  out.push("");
  const roles = [
    ...new Set([...r.storedRoles, ...r.proposedRoles, ...r.running].map((c) => c.role)),
  ];
  const rows: string[][] = [
    [
      "ISL / OSL",
      `${num(r.stored.isl)} / ${num(r.stored.osl)}`,
      `${i.isl} / ${i.osl}`,
      o ? `${num(o.isl)} / ${num(o.osl)} (observed ${o.percentile})` : "-",
    ],
    ...roles.map((x) => [x, role(r.storedRoles, x), role(r.proposedRoles, x), role(r.running, x)]),
    ["GPUs", num(r.gpus.stored), num(r.gpus.proposed), num(r.gpus.running)],
    [
      "TTFT",
      `${num(r.stored.expected.ttft_ms, 1)} ms`,
      `${num(r.proposed.expected.ttft_ms, 1)} ms`,
      o?.ttftMs ? `${num(o.ttftMs.p50, 1)} ms (p50)` : "-",
    ],
    [
      "TPOT",
      `${num(r.stored.expected.tpot_ms, 1)} ms`,
      `${num(r.proposed.expected.tpot_ms, 1)} ms`,
      o?.tpotMs ? `${num(o.tpotMs.p50, 1)} ms (p50)` : "-",
    ],
    [
      "tokens/s/GPU",
      num(r.stored.expected.throughput_tokens_per_sec_per_gpu, 2),
      num(r.proposed.expected.throughput_tokens_per_sec_per_gpu, 2),
      "-",
    ],
  ];
  out.push(renderTable(["", "stored plan", "new plan", "running now"], rows).trimEnd());
  out.push("");
  if (r.change === "none") {
    out.push(paint(style, "green", "No change: the set already runs the new plan's split."));
  } else {
    out.push(
      r.change === "scale"
        ? "Move the set to the new plan (same worker layout, new counts):"
        : "Move the set to the new plan (the worker layout changes):",
    );
    for (const c of r.commands) {
      out.push(`  # ${c.description}`);
      out.push(`  ${c.dryRun}`);
      out.push(`  ${c.command}`);
    }
  }
  if (r.files.manifest || r.files.plan) {
    out.push("");
    if (r.files.manifest) out.push(`manifest: ${r.files.manifest}`);
    if (r.files.plan) out.push(`plan:     ${r.files.plan}`);
  }
  if (r.planStore) out.push(`stored plan: ${r.planStore}`);
  if (r.notes.length) {
    out.push("");
    out.push("Notes:");
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return out.join("\n") + "\n";
}
