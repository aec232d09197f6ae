/**
 * Text of a scale preview and of what a scale did. Pure: decides nothing.
 *
 * @module
 */

import { renderTable } from "../../lib/render/table.ts";
import { paint, PLAIN, type Style } from "../../lib/render/style.ts";
import type { PlannedWrite, ScalePlan } from "./plan.ts";

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One write in words: `PodClique x /scale 2 -> 3`. */
export function describeWrite(w: PlannedWrite): string {
  return w.how === "scale"
    ? `${w.kind} ${w.name} /scale ${w.current} -> ${w.target}`
    : `${w.kind} ${w.name} ${w.field} ${w.current} -> ${w.target}`;
}

/**
 * The preview shown before acting: targets per role, GPU impact, placement,
 * pods that go, the writes, notes, warnings and refusals.
 *
 * @example
 * ```ts ignore
 * import { renderScalePlan } from "./render.ts";
 * console.log(renderScalePlan(plan));
 * ```
 */
export function renderScalePlan(p: ScalePlan, style: Style = PLAIN): string {
  const out: string[] = [];
  out.push(
    `scale podcliqueset ${p.namespace}/${p.name} (${plural(p.setReplicas, "set replica")})`,
    "",
  );
  out.push(
    renderTable(
      ["role", "scales", "current", "target", "min", "pods", "gpus/unit", "gpus"],
      p.changes.map((c) => [
        c.role,
        c.via,
        String(c.current),
        String(c.target),
        c.minAvailable === undefined ? "-" : String(c.minAvailable),
        signed(c.podsDelta),
        c.kind === "clique"
          ? `${c.gpusPerUnit}/pod`
          : `${c.gpusPerUnit}/${c.kind === "group" ? "group replica" : "set replica"}`,
        signed(c.gpusDelta),
      ]),
    ).trimEnd(),
  );
  if (p.rounding) out.push("", p.rounding.summary);
  out.push("");
  const g = p.gpu;
  out.push(
    `GPUs: ${
      g.delta > 0 ? `${g.delta} more needed` : g.delta < 0 ? `${-g.delta} freed` : "no change"
    }; ${g.freeNow} free on schedulable nodes now, ${g.freeAfter} after${
      g.unusable ? ` (${g.unusable} more free on cordoned or NotReady nodes, not usable)` : ""
    }`,
  );
  if (p.placement.units.length) {
    out.push(
      "",
      "Placement of the new pods (first-fit decreasing on free GPUs, within the pack constraint):",
    );
    for (const u of p.placement.units) {
      if (u.fits) {
        const where = u.nodes.length
          ? u.nodes.map((n) => `${n.node} (${plural(n.pods, "pod")}, ${n.gpus} GPUs)`).join(", ")
          : "";
        out.push(
          `  ${u.label}: ${paint(style, "green", "fits")}${u.domain ? ` in ${u.domain}` : ""}${
            where ? ` on ${where}` : ""
          }`,
        );
      } else {
        out.push(`  ${u.label}: ${paint(style, "red", "does not fit")}: ${u.reason}`);
      }
      out.push(`    placement score: ${u.scoreEffect}`);
    }
    for (const n of p.placement.notes) out.push(`  note: ${n}`);
  }
  if (p.removedPods.length) {
    out.push("", `Pods expected to go (highest index first): ${p.removedPods.join(", ")}`);
  }
  if (p.writes.length) {
    out.push("", "Writes (each with a resourceVersion precondition):");
    for (const w of p.writes) out.push(`  ${describeWrite(w)}`);
  }
  if (p.notes.length || p.warnings.length || p.refusals.length) out.push("");
  for (const n of p.notes) out.push(`note: ${n}`);
  for (const w of p.warnings) out.push(paint(style, "yellow", `warning: ${w}`));
  for (const r of p.refusals) out.push(paint(style, "red", `needs --force: ${r}`));
  if (!p.changed) out.push("", "nothing to change: every target equals the current count");
  return out.join("\n") + "\n";
}
