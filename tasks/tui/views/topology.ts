/**
 * `[2] Topology`: the topology report's domain tree with GPU use per domain
 * and node; nodes hosting this workload's pods highlighted, placement labels
 * and stranded free GPUs marked. Pure.
 *
 * @module
 */

import type { DomainView, NodeView, TopologyReport } from "../../topology/report.ts";
import { cell, type Line, line, seg, type Segment, type Tone } from "../lines.ts";
import type { Row, ViewBody } from "./rows.ts";

/** A GPU bar: this workload's GPUs, other GPUs, free GPUs. */
export function gpuCells(
  mine: number,
  others: number,
  total: number,
  width: number,
  unicode: boolean,
): Segment[] {
  if (total <= 0) return [seg(cell("no GPUs", width), "dim")];
  const a = Math.min(width, Math.round((mine / total) * width));
  const b = Math.max(0, Math.min(width - a, Math.round(((mine + others) / total) * width) - a));
  const c = width - a - b;
  return [
    seg((unicode ? "█" : "#").repeat(a), "accent"),
    seg((unicode ? "▓" : "+").repeat(b), "warn"),
    seg((unicode ? "░" : ".").repeat(c), "dim"),
  ];
}

const LABEL_TONE: Record<string, Tone> = { optimal: "ok", split: "warn", fragmented: "bad" };

/** Inputs of {@link topologyView}. */
export interface TopologyInput {
  /** The topology report of the workloads in scope (what is highlighted). */
  report: TopologyReport;
  /** The whole-cluster report (every domain and node, capacity, fragmentation), when built. */
  cluster?: TopologyReport;
  /** Expanded (true) or collapsed (false) rows by id. */
  expanded: Record<string, boolean>;
  /** Unicode bars. */
  unicode: boolean;
  /** Screen width. */
  width: number;
}

interface Overlays {
  nodes: Map<string, NodeView>;
  domains: Map<string, DomainView>;
}

function overlays(r: TopologyReport): Overlays {
  const nodes = new Map<string, NodeView>();
  const domains = new Map<string, DomainView>();
  const walk = (d: DomainView) => {
    domains.set(d.id, d);
    for (const n of d.nodes) nodes.set(n.name, n);
    d.children.forEach(walk);
  };
  r.domains.forEach(walk);
  for (const n of r.nodes) nodes.set(n.name, n);
  return { nodes, domains };
}

function nodeRow(cn: NodeView, depth: number, i: TopologyInput, ov: Overlays): Row {
  const n = ov.nodes.get(cn.name) ?? cn;
  const mine = n.allocatedBySelection > 0;
  const flags: Segment[] = [];
  if (n.cordoned) flags.push(seg(" cordoned", "warn"));
  if (!n.ready) flags.push(seg(" NotReady", "bad"));
  if (!n.readable) flags.push(seg(" (not readable)", "dim"));
  const pods = n.pods.map((p) => p.name);
  return {
    id: `node:${n.name}`,
    line: line(
      seg(cell("  ".repeat(depth) + "  " + n.name, 30) + " ", mine ? "accent" : "normal", mine),
      ...gpuCells(n.allocatedBySelection, n.allocatedByOthers, n.allocatable, 8, i.unicode),
      seg(` ${cell(`${n.allocated}/${n.allocatable}`, 9, true)} free ${cell(String(n.free), 4)}`),
      ...flags,
      seg(
        pods.length ? `  ${pods.length} pod${pods.length > 1 ? "s" : ""}: ${pods.join(" ")}` : "",
        "dim",
      ),
    ),
    target: { kind: "Node", name: n.name },
  };
}

function domainRows(
  cd: DomainView,
  depth: number,
  shape: number,
  i: TopologyInput,
  ov: Overlays,
): Row[] {
  const mine = ov.domains.get(cd.id);
  const d: DomainView = mine
    ? { ...cd, allocatedBySelection: mine.allocatedBySelection, label: mine.label }
    : cd;
  const id = `dom:${d.id}`;
  const hasChildren = d.children.length > 0 || d.nodes.length > 0;
  const leaf = d.children.length === 0;
  const open = i.expanded[id] ?? (!leaf || d.allocatedBySelection > 0);
  const arrow = !hasChildren ? "  " : open ? (i.unicode ? "▾ " : "- ") : (i.unicode ? "▸ " : "+ ");
  // marks first, details after: at 80 columns the marks stay on screen
  const flags: Segment[] = [];
  // (the free column is padded, so the first mark needs no leading space)
  if (d.label) flags.push(seg(`[${d.label}]`, LABEL_TONE[d.label] ?? "normal", true));
  const fragmented = shape > 1 && d.free >= shape && d.largestFreeBlock < shape;
  if (fragmented) flags.push(seg(`${flags.length ? " " : ""}fragmented`, "bad", true));
  const rows: Row[] = [{
    id,
    line: line(
      seg(cell("  ".repeat(depth) + arrow + `${d.level} ${d.value}`, 30) + " ", "title"),
      ...gpuCells(
        d.allocatedBySelection,
        d.allocated - d.allocatedBySelection,
        d.allocatable,
        8,
        i.unicode,
      ),
      seg(` ${cell(`${d.allocated}/${d.allocatable}`, 9, true)} free ${cell(String(d.free), 4)}`),
      ...flags,
      seg(` max ${d.largestFreeBlock} · ${d.nodeCount} nodes`, "dim"),
      ...(fragmented ? [seg(` (${d.free} free, no node fits ${shape})`, "bad")] : []),
    ),
    expandable: hasChildren,
    open: hasChildren && open,
  }];
  if (!open) return rows;
  for (const c of d.children) rows.push(...domainRows(c, depth + 1, shape, i, ov));
  for (const n of d.nodes) rows.push(nodeRow(n, depth + 1, i, ov));
  return rows;
}

/** The Topology view. */
export function topologyView(i: TopologyInput): ViewBody {
  const r = i.report;
  const tree = i.cluster ?? r;
  const ov = overlays(r);
  const c = i.cluster?.cluster;
  const shape = c?.fragmentation.largestShape ?? 0;
  const header: Line[] = [];
  const levels = r.topology.levels.map((l) => l.domain).join(" > ") || "none";
  header.push(line(
    seg(`levels ${levels}`, "dim"),
    seg(r.topology.name ? ` (${r.topology.name})` : ` (${r.topology.source})`, "dim"),
    ...(c
      ? [
        seg(`   GPUs ${c.allocatedGpus}/${c.totalGpus} used, `),
        seg(`${c.freeGpus} free`, c.freeGpus > 0 ? "ok" : "warn"),
        seg(
          shape > 0 ? `, ${c.fragmentation.strandedGpus} stranded for ${shape}-GPU pods` : "",
          c.fragmentation.strandedGpus > 0 ? "warn" : "dim",
        ),
      ]
      : []),
  ));
  header.push(line(
    seg(i.unicode ? "█" : "#", "accent"),
    seg(" this workload  "),
    seg(i.unicode ? "▓" : "+", "warn"),
    seg(" other pods  "),
    seg(i.unicode ? "░" : ".", "dim"),
    seg(" free   Enter expands a domain", "dim"),
  ));
  const rows: Row[] = [];
  for (const d of tree.domains) rows.push(...domainRows(d, 0, shape, i, ov));
  for (const n of tree.nodes) rows.push(nodeRow(n, 0, i, ov));
  const footer: Line[] = [];
  if (r.unscheduledPods.length) {
    footer.push(line(seg(`${r.unscheduledPods.length} pods not scheduled`, "warn")));
  }
  for (const w of r.warnings.slice(0, 3)) {
    footer.push(line(seg(`! ${w.message}`, "warn"), seg(` -> ${w.recommendation}`, "dim")));
  }
  if (r.warnings.length > 3) {
    footer.push(
      line(seg(`... ${r.warnings.length - 3} more warnings (kubectl grove topology)`, "dim")),
    );
  }
  for (const n of r.notes.slice(0, 2)) footer.push(line(seg(`note: ${n}`, "dim")));
  return {
    header,
    rows,
    empty: [line(seg("No topology domains or nodes to show (nodes not readable?).", "dim"))],
    footer,
  };
}
