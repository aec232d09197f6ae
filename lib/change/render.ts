/**
 * Text of an update preview. Pure: decides nothing.
 *
 * @module
 */

import { formatDuration } from "../grove/duration.ts";
import { renderTable } from "../render/table.ts";
import { displayWidth, paint, type Style } from "../render/style.ts";
import { outputWidth, wrapLine } from "../render/wrap.ts";
import { shortValue } from "../revisions/field_changes.ts";
import { orderText, type UpdatePlan } from "./plan.ts";

/** Renders an {@link UpdatePlan} as the preview shown before confirmation. */
export function renderUpdatePlan(plan: UpdatePlan, style: Style): string {
  const lines: string[] = [];
  const width = outputWidth(style);
  const push = (line: string) => lines.push(...wrapLine(line, width));
  lines.push(
    `podcliqueset ${plan.namespace}/${plan.name}: strategy ${plan.strategy}${
      plan.paused ? " (paused)" : ""
    }`,
  );
  if (plan.noChange) {
    lines.push("no change: the template already has these values; nothing to do");
    return lines.join("\n") + "\n";
  }
  lines.push("", "Changes:");
  // kubectl-grove's own bookkeeping (pause state, rollout state) is not the user's change
  const shown = plan.changes.filter((c) =>
    !c.path.startsWith("metadata.annotations.kubectl-grove.io/")
  );
  for (const c of shown) {
    push(`  ${c.path}`);
    const was = shortValue(c.before);
    const now = shortValue(c.after);
    if (displayWidth(`    ${was} -> ${now}`) <= width) {
      lines.push(`    ${paint(style, "red", was)} -> ${paint(style, "green", now)}`);
    } else {
      lines.push(`    ${paint(style, "red", was)}`, `    -> ${paint(style, "green", now)}`);
    }
  }
  if (shown.length < plan.changes.length) {
    push(
      `  (and ${
        plan.changes.length - shown.length
      } kubectl-grove annotation(s) recording the rollout's state; -o json lists them)`,
    );
  }
  if (plan.affected.length) {
    lines.push("", "Affected pods:");
    const rows = plan.affected.map((a) => [
      a.role,
      String(a.cliques),
      String(a.pods),
      String(a.recreated),
      a.startupMs === undefined ? "-" : formatDuration(a.startupMs),
    ]);
    lines.push(
      ...renderTable(["role", "cliques", "pods", "recreated", "startup"], rows).trimEnd().split(
        "\n",
      )
        .map((l) => "  " + l),
    );
  }
  if (!plan.noChange && (plan.order ?? []).length) {
    lines.push("");
    push(`Strategy: ${plan.strategy}; order: ${orderText(plan.order)}`);
  }
  if ((plan.transition ?? []).length) {
    lines.push("During the update (serving capacity, estimated from pod counts):");
    for (const t of plan.transition) push(`  - ${t}`);
    push(
      "  Latency impact: not measured by this preview; where a role above is the bottleneck, its latency (TTFT for prefill, ITL for decode) rises while it runs short (live figures: kubectl grove metrics)",
    );
  }
  lines.push("");
  if (plan.strategy === "OnDelete") {
    lines.push(
      plan.paused
        ? "Paused: no pod restarts until `kubectl grove rollout resume` (or pods are deleted)."
        : "OnDelete: no pod restarts until pods are deleted.",
    );
  } else if (plan.totalRecreated === 0) {
    lines.push("No pod is recreated by this change.");
  } else {
    push(
      `Estimated duration: ~${formatDuration(plan.estimatedDurationMs)} (${plan.estimateBasis})`,
    );
  }
  for (const w of plan.warnings) {
    lines.push(...wrapLine(`warning: ${w}`, width).map((l) => paint(style, "yellow", l)));
  }
  for (const f of plan.needsForce ?? []) {
    lines.push(...wrapLine(`warning: ${f}`, width).map((l) => paint(style, "red", l)));
  }
  return lines.join("\n") + "\n";
}
