/**
 * Text of a scale preview and of what a scale did. Pure: decides nothing.
 *
 * @module
 */

import { renderTable } from "../../lib/render/table.ts";
import { displayWidth, paint, PLAIN, type Style } from "../../lib/render/style.ts";
import { outputWidth, wrapLine } from "../../lib/render/wrap.ts";
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

/** `3, 5-7` from replica indices. */
function ranges(xs: number[]): string {
  const sorted = [...new Set(xs)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return out.join(", ");
}

/**
 * Lines that differ only in a group replica's index become one line naming the
 * indices (`group replicas 3-7 (x5)`), in order of first appearance: a scale to
 * many replicas reads as a summary per role, not one line per replica.
 *
 * @example
 * ```ts
 * import { collapseReplicas } from "./render.ts";
 * collapseReplicas(["d group replica 3: no room", "d group replica 4: no room", "p: ok"]);
 * // ["d group replicas 3-4 (x2): no room", "p: ok"]
 * ```
 */
export function collapseReplicas(lines: readonly string[]): string[] {
  const RE = /group replica (\d+)/;
  const groups = new Map<string, number[]>();
  const order: string[] = [];
  for (const l of lines) {
    const m = l.match(RE);
    const key = m ? l.replace(RE, "group replica #") : l;
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push(key);
    }
    if (m) groups.get(key)!.push(Number(m[1]));
  }
  return order.map((k) => {
    const idx = groups.get(k)!;
    if (idx.length === 0) return k;
    if (idx.length === 1) return k.replace("group replica #", `group replica ${idx[0]}`);
    return k.replace("group replica #", `group replicas ${ranges(idx)} (x${idx.length})`);
  });
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
  const width = outputWidth(style);
  const push = (line: string) => out.push(...wrapLine(line, width));
  out.push(
    `scale podcliqueset ${p.namespace}/${p.name} (${plural(p.setReplicas, "set replica")})`,
    "",
  );
  const table = (withVia: boolean, unit: (k: string) => string) =>
    renderTable(
      [
        "role",
        ...(withVia ? ["scales"] : []),
        "current",
        "target",
        "min",
        "pods",
        "gpus/unit",
        "gpus",
      ],
      p.changes.map((c) => [
        c.role,
        ...(withVia ? [c.via] : []),
        String(c.current),
        String(c.target),
        c.minAvailable === undefined ? "-" : String(c.minAvailable),
        signed(c.podsDelta),
        `${c.gpusPerUnit}/${unit(c.kind)}`,
        signed(c.gpusDelta),
      ]),
    ).trimEnd();
  const full = table(
    true,
    (k) => k === "clique" ? "pod" : k === "group" ? "group replica" : "set replica",
  );
  // too wide: what each role scales (PodClique, scaling group) shows in the writes below
  out.push(
    Math.max(...full.split("\n").map(displayWidth)) <= width
      ? full
      : table(false, (k) => k === "clique" ? "pod" : k === "group" ? "group" : "set"),
  );
  if (p.rounding) {
    out.push("");
    push(p.rounding.summary);
  }
  out.push("");
  const g = p.gpu;
  push(
    `GPUs: ${
      g.delta > 0 ? `${g.delta} more needed` : g.delta < 0 ? `${-g.delta} freed` : "no change"
    }; ${g.freeNow} free on schedulable nodes now, ${
      g.freeAfter < 0 ? `short by ${-g.freeAfter} after` : `${g.freeAfter} after`
    }${g.unusable ? ` (${g.unusable} more free on cordoned or NotReady nodes, not usable)` : ""}`,
  );
  if (p.placement.units.length) {
    out.push("");
    push(
      "Placement of the new pods (first-fit decreasing on free GPUs, within the pack constraint):",
    );
    const lines = p.placement.units.map((u) => {
      if (u.fits) {
        const where = u.nodes.length
          ? u.nodes.map((n) => `${n.node} (${plural(n.pods, "pod")}, ${n.gpus} GPUs)`).join(", ")
          : "";
        return `${u.label}: ${paint(style, "green", "fits")}${u.domain ? ` in ${u.domain}` : ""}${
          where ? ` on ${where}` : ""
        }\n    placement score: ${u.scoreEffect}`;
      }
      return `${u.label}: ${
        paint(style, "red", "does not fit")
      }: ${u.reason}\n    placement score: ${u.scoreEffect}`;
    });
    for (const l of collapseReplicas(lines)) {
      const [head, score] = l.split("\n");
      push(`  - ${head}`);
      push(score);
    }
    for (const n of p.placement.notes) push(`  note: ${n}`);
  }
  if (p.removedPods.length) {
    out.push("");
    push(`Pods expected to go (highest index first): ${p.removedPods.join(", ")}`);
  }
  if (p.writes.length) {
    out.push("", "Writes (each with a resourceVersion precondition):");
    for (const w of p.writes) push(`  ${describeWrite(w)}`);
  }
  if (p.notes.length || p.warnings.length || p.refusals.length) out.push("");
  for (const n of p.notes) push(`note: ${n}`);
  for (const w of p.warnings) {
    out.push(...wrapLine(`warning: ${w}`, width).map((l) => paint(style, "yellow", l)));
  }
  for (const r of collapseReplicas(p.refusals)) {
    out.push(...wrapLine(`needs --force: ${r}`, width).map((l) => paint(style, "red", l)));
  }
  if (!p.changed) out.push("", "nothing to change: every target equals the current count");
  return out.join("\n") + "\n";
}
