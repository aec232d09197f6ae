/**
 * Text of a restart plan: the cliques, their budgets and the batches.
 *
 * @module
 */

import { renderTable } from "../../lib/render/table.ts";
import { DEFAULT_WIDTH, wrapLine } from "../../lib/render/wrap.ts";
import type { RestartPlan } from "./plan.ts";

/** Text of a restart plan, within `width` columns (80 by default). */
export function renderRestartPlan(p: RestartPlan, width = DEFAULT_WIDTH): string {
  const lines = [
    `restart podcliqueset ${p.namespace}/${p.name}${
      p.role ? ` (role ${p.role})` : ""
    }: ${p.total} pods in ${p.batches.length} batch${p.batches.length === 1 ? "" : "es"}${
      p.force ? " (--force: all at once)" : `, never below minAvailable`
    }`,
    "",
    renderTable(
      ["clique", "role", "pods", "ready", "min", "max-down"],
      p.cliques.map((
        c,
      ) => [
        c.name,
        c.role,
        String(c.pods),
        String(c.ready),
        String(c.minAvailable),
        String(c.maxDown),
      ]),
    ).trimEnd(),
    "",
  ];
  p.batches.forEach((b, i) =>
    lines.push(...wrapLine(`batch ${i + 1}: ${b.map((x) => x.name).join(", ")}`, width))
  );
  for (const w of p.warnings) lines.push(...wrapLine(`warning: ${w}`, width));
  // the header wraps; the table keeps its rows whole
  return [...wrapLine(lines[0], width), ...lines.slice(1)].join("\n") + "\n";
}
