/**
 * Text of a progressive rollout's result: the canary/stable comparison,
 * the gates, the outcome and the stored state.
 *
 * @module
 */

import { renderTable } from "../../lib/render/table.ts";
import { renderGates } from "./gates.ts";
import type { ProgressiveResult } from "./types.ts";
import { describeState } from "./state.ts";
import { fmtMs } from "../metrics/report.ts";

/** Renders a result for the terminal. */
export function renderResult(r: ProgressiveResult): string {
  const out: string[] = [];
  if (r.comparison) {
    const c = r.comparison;
    const row = (label: string, g: typeof c.canary) => [
      label,
      String(g.pods),
      `${g.ready}/${g.pods}`,
      String(g.restarts),
      fmtMs(g.ttftP99Ms),
      fmtMs(g.tpotP99Ms),
      g.tokensPerGpu === null || g.tokensPerGpu === undefined ? "-" : String(g.tokensPerGpu),
    ];
    out.push(
      renderTable(["GROUP", "PODS", "READY", "RESTARTS", "TTFT P99", "TPOT P99", "TOK/S/GPU"], [
        row("canary", c.canary),
        row("stable", c.stable),
      ]).trimEnd(),
    );
    for (const n of c.notes) out.push(`note: ${n}`);
  }
  if (r.gates?.length) out.push("gates:", renderGates(r.gates));
  out.push(`podcliqueset/${r.name}: ${r.outcome}: ${r.message}`);
  if (r.state) out.push(`state: ${describeState(r.state)}`);
  return out.join("\n") + "\n";
}
