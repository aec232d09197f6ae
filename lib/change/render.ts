/**
 * Text of an update preview. Pure: decides nothing.
 *
 * @module
 */

import { formatDuration } from "../grove/duration.ts";
import { renderTable } from "../render/table.ts";
import { paint, type Style } from "../render/style.ts";
import { shortValue } from "../revisions/field_changes.ts";
import type { UpdatePlan } from "./plan.ts";

/** Renders an {@link UpdatePlan} as the preview shown before confirmation. */
export function renderUpdatePlan(plan: UpdatePlan, style: Style): string {
  const lines: string[] = [];
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
  for (const c of plan.changes) {
    lines.push(`  ${c.path}`);
    lines.push(
      `    ${paint(style, "red", shortValue(c.before))} -> ${
        paint(style, "green", shortValue(c.after))
      }`,
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
    lines.push(
      `Estimated duration: ~${formatDuration(plan.estimatedDurationMs)} (${plan.estimateBasis})`,
    );
  }
  for (const w of plan.warnings) lines.push(paint(style, "yellow", `warning: ${w}`));
  return lines.join("\n") + "\n";
}
