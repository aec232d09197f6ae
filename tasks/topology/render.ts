/**
 * The text form of a topology report. Formats only; decides nothing.
 *
 * @module
 */

import { percent } from "../../lib/render/bar.ts";
import { displayWidth, paint, type Style } from "../../lib/render/style.ts";
import { renderTable } from "../../lib/render/table.ts";
import { outputWidth, wrapLine } from "../../lib/render/wrap.ts";
import { renderTree, type TreeNode } from "../../lib/render/tree.ts";
import type {
  DomainView,
  GangPlacement,
  NodeView,
  PlacementLabel,
  PodPlacement,
  TopologyReport,
} from "./report.ts";

/**
 * A GPU bar with the selection's GPUs, others' GPUs and free GPUs shown
 * apart: one cell per GPU up to 16 GPUs, scaled beyond. ASCII `#` (this
 * workload), `+` (others), `.` (free); Unicode `█`, `▓`, `░`.
 *
 * @example
 * ```ts
 * import { gpuBar } from "./render.ts";
 * import { PLAIN } from "../../lib/render/style.ts";
 * gpuBar(2, 3, 8, PLAIN); // "[##+++...]"
 * ```
 */
export function gpuBar(mine: number, others: number, total: number, style: Style): string {
  if (total <= 0) return style.unicode ? "" : "[]";
  const width = Math.min(16, Math.max(1, total));
  const scale = width / total;
  let a = Math.round(mine * scale);
  let b = Math.round((mine + others) * scale) - a;
  a = Math.min(a, width);
  b = Math.max(0, Math.min(b, width - a));
  const c = width - a - b;
  if (!style.unicode) return `[${"#".repeat(a)}${"+".repeat(b)}${".".repeat(c)}]`;
  return paint(style, "cyan", "█".repeat(a)) + paint(style, "yellow", "▓".repeat(b)) +
    paint(style, "dim", "░".repeat(c));
}

function labelText(l: PlacementLabel | undefined, style: Style): string {
  if (!l) return "";
  const color = l === "optimal" ? "green" : l === "split" ? "yellow" : "red";
  return " " + paint(style, color, `[${l}]`);
}

function score(s: number | undefined): string {
  return s === undefined ? "-" : s.toFixed(2);
}

function packText(g: GangPlacement): string {
  const parts: string[] = [];
  if (g.pack.required) parts.push(`required ${g.pack.required}`);
  if (g.pack.preferred) parts.push(`preferred ${g.pack.preferred}`);
  return parts.length ? parts.join(", ") : "none";
}

function spansText(g: GangPlacement): string {
  if (g.pods === 0) return "no pods";
  if (g.scheduledPods === 0) return "not scheduled";
  if (g.spans.every((s) => s.domains.length === 0)) return "nodes gone";
  return g.spans.filter((s) => s.domains.length > 0).map((s) =>
    `${s.domains.length} ${
      s.domains.length === 1 ? s.level : s.level === "host" ? "hosts" : `${s.level}s`
    }`
  ).join(", ");
}

function podLine(p: PodPlacement, style: Style): string {
  const phase = p.phase === "Running" ? p.phase : paint(style, "yellow", p.phase);
  // Grove names pods after their clique: say the clique only when the name does not show it.
  const clique = p.clique ?? p.cliqueTemplate;
  const cliqueText = clique && !p.name.startsWith(`${clique}-`) ? `  clique ${clique}` : "";
  return `${p.name}${cliqueText}  ${p.role ?? "-"}  ${phase}  ${p.gpus} GPU${
    p.gpus === 1 ? "" : "s"
  }`;
}

function nodeLine(n: NodeView, style: Style, cluster: boolean): string {
  const marks: string[] = [];
  if (!n.readable) {
    return `${n.name}  (node not readable; this workload: ${n.allocatedBySelection} GPUs)`;
  }
  if (n.cordoned) marks.push(paint(style, "red", "CORDONED"));
  if (!n.ready) marks.push(paint(style, "red", "NotReady"));
  if (!n.hasGpuResource) {
    return `${n.name}  no GPUs${marks.length ? "  " + marks.join(" ") : ""}`;
  }
  const src = n.gpuSource === "dra" ? " DRA" : n.gpuSource === "both" ? " DRA+plugin" : "";
  const used = `${n.allocated}/${n.allocatable}${src} GPUs`;
  const split = cluster
    ? `free ${n.free}, largest block ${n.largestFreeBlock}`
    : `this ${n.allocatedBySelection}, others ${n.allocatedByOthers}, free ${n.free}`;
  return `${n.name}  ${
    gpuBar(n.allocatedBySelection, n.allocatedByOthers, n.allocatable, style)
  } ${used} (${split})${marks.length ? "  " + marks.join(" ") : ""}`;
}

function nodeTree(n: NodeView, style: Style, cluster: boolean): TreeNode {
  return {
    label: nodeLine(n, style, cluster),
    children: n.pods.map((p) => ({ label: podLine(p, style) })),
  };
}

function domainTree(d: DomainView, style: Style, cluster: boolean): TreeNode {
  const gpus =
    `${d.allocated}/${d.allocatable} GPUs used, ${d.free} free, largest block ${d.largestFreeBlock}`;
  return {
    label: `${d.level} ${paint(style, "bold", d.value)}${labelText(d.label, style)}  ${gpus}`,
    children: [
      ...d.children.map((c) => domainTree(c, style, cluster)),
      ...d.nodes.map((n) => nodeTree(n, style, cluster)),
    ],
  };
}

/**
 * Renders a topology report as text: header, workloads and gangs, the
 * domain tree, cluster capacity (with `--cluster`), warnings and notes.
 *
 * @example
 * ```ts ignore
 * import { renderTopology } from "./render.ts";
 * import { PLAIN } from "../../lib/render/style.ts";
 * console.log(renderTopology(report, PLAIN));
 * ```
 */
export function renderTopology(r: TopologyReport, style: Style): string {
  const out: string[] = [];
  const width = outputWidth(style);
  const push = (line: string) => out.push(...wrapLine(line, width));
  const t = r.topology;
  const levels = t.levels.map((l) => l.domain).join(" -> ") || "(none)";
  if (t.source === "unavailable") {
    out.push("Topology: unavailable (nodes cannot be listed)");
  } else if (t.source === "node-labels") {
    push(`Topology: inferred from well-known node labels   levels: ${levels}`);
  } else {
    push(
      `Topology: ${t.name} (${t.source})   levels: ${levels}${
        t.nodesReadable ? "" : "   (nodes cannot be listed: pods shown by node name)"
      }`,
    );
  }
  // Scheduler bindings and drift: details on their own indented line (80 columns).
  for (const b of t.schedulerBindings ?? []) {
    const sync = b.inSync === undefined
      ? ""
      : b.inSync
      ? "   in sync"
      : `   ${paint(style, "red", "OUT OF SYNC")}`;
    out.push(`  bound to ${b.schedulerName} topology ${b.topologyReference}${sync}`);
    if (b.inSync === false && b.message) push(`    ${b.message}`);
  }
  if (t.drift) {
    out.push(
      `  ${paint(style, "red", "SchedulerTopologyDrift")}${
        t.drift.reason ? ` (${t.drift.reason})` : ""
      }${t.drift.since ? ` since ${t.drift.since}` : ""}:`,
    );
    push(`    ${t.drift.message ?? "the scheduler's topology differs from the binding"}`);
  }
  for (const pcs of r.podCliqueSets) {
    out.push("");
    push(
      `PodCliqueSet ${pcs.namespace}/${pcs.name}   placement score ${score(pcs.placementScore)}${
        pcs.gangs.length > 1 && pcs.placementScore !== undefined ? " (lowest gang)" : ""
      }`,
    );
    if (pcs.gangs.length === 0) {
      out.push("  no PodGangs yet");
      continue;
    }
    const table = renderTable(
      ["gang", "phase", "score", "pack", "scheduled", "gpus", "spans", "placement"],
      pcs.gangs.map((g) => [
        g.name,
        g.phase,
        score(g.placementScore),
        packText(g),
        `${g.scheduledPods}/${g.pods}`,
        String(g.gpus),
        spansText(g),
        g.placement ?? "-",
      ]),
    ).trimEnd().split("\n").map((l) => "  " + l);
    if (Math.max(...table.map(displayWidth)) <= width) {
      out.push(...table);
      continue;
    }
    // too wide: pack and spans go on a second line under each gang
    const narrow = renderTable(
      ["gang", "phase", "score", "scheduled", "gpus", "placement"],
      pcs.gangs.map((g) => [
        g.name,
        g.phase,
        score(g.placementScore),
        `${g.scheduledPods}/${g.pods}`,
        String(g.gpus),
        g.placement ?? "-",
      ]),
    ).trimEnd().split("\n").map((l) => "  " + l);
    out.push(narrow[0]);
    pcs.gangs.forEach((g, i) => {
      out.push(narrow[i + 1]);
      push(`      pack ${packText(g)}; spans ${spansText(g)}`);
    });
  }
  const cluster = r.cluster !== undefined;
  const roots: TreeNode[] = [
    ...r.domains.map((d) => domainTree(d, style, cluster)),
    ...r.nodes.map((n) => nodeTree(n, style, cluster)),
  ];
  if (roots.length) {
    out.push("");
    out.push(
      cluster
        ? "GPUs by domain (bar: used by pods, free):"
        : `Placement (bar: ${style.unicode ? "█" : "#"} this workload, ${
          style.unicode ? "▓" : "+"
        } other pods, ${style.unicode ? "░" : "."} free):`,
    );
    out.push(renderTree(roots, style, width).trimEnd());
  }
  if (r.unscheduledPods.length) {
    out.push("");
    out.push("Not scheduled:");
    for (const p of r.unscheduledPods) push(`  ${podLine(p, style)}`);
  }
  if (r.podsOnMissingNodes.length) {
    out.push("");
    out.push("On nodes that no longer exist:");
    for (const p of r.podsOnMissingNodes) push(`  ${p.node}: ${podLine(p, style)}`);
  }
  if (r.cluster) {
    const c = r.cluster;
    const f = c.fragmentation;
    out.push("");
    push(
      `Cluster GPUs: ${c.totalGpus} allocatable on ${c.gpuNodes} nodes, ${c.allocatedGpus} allocated, ${c.freeGpus} free on schedulable nodes${
        c.unavailableGpus ? `, ${c.unavailableGpus} free on cordoned or NotReady nodes` : ""
      }`,
    );
    push(
      `Pods that still fit: ${c.fits.map((x) => `${x.gpus} GPU: ${x.pods}`).join("   ")}`,
    );
    push(
      f.largestShape > 0
        ? `Fragmentation: ${f.strandedGpus} of ${f.freeGpus} free GPUs (${
          percent(f.ratio)
        }) cannot host the largest pod shape in use (${f.largestShape} GPUs)`
        : "Fragmentation: no GPU pods in use",
    );
  }
  if (r.warnings.length) {
    out.push("");
    out.push(paint(style, "yellow", "Warnings:"));
    for (const w of r.warnings) {
      push(`  ! ${w.message}`);
      push(`    -> ${w.recommendation}`);
    }
  }
  if (r.notes.length) {
    out.push("");
    out.push("Notes:");
    for (const n of r.notes) push(`  - ${n}`);
  }
  return out.join("\n") + "\n";
}
