/**
 * `[1] Hierarchy`: PodCliqueSet -> PodGang (phase, score) -> PodClique
 * (ready/desired, min, bar) -> pods (status, node, restarts, age), from the
 * status report; pods come from the watched pod list (the status report
 * counts them, the tree lists them). Pure.
 *
 * @module
 */

import { ageOf } from "../../../lib/grove/duration.ts";
import { LabelKeys } from "../../../lib/grove/labels.ts";
import { podDisplayStatus, podRestarts } from "../../../lib/grove/relations.ts";
import type { Pod } from "../../../lib/grove/types.ts";
import type {
  CliqueStatusInfo,
  GangStatusInfo,
  PcsStatusInfo,
  StatusReport,
} from "../../status/report.ts";
import { cell, cellTail, line, miniBar, seg, type Segment, type Tone } from "../lines.ts";
import type { Row, ViewBody } from "./rows.ts";

/** Inputs of {@link hierarchyView}. */
export interface HierarchyInput {
  /** The status report. */
  report: StatusReport;
  /** Pods of the snapshot (any scope; matched to cliques by label). */
  pods: Pod[];
  /** Expanded (true) or collapsed (false) rows by id; others use the default. */
  expanded: Record<string, boolean>;
  /** Name filter (`/`), case-insensitive substring; empty for none. */
  filter: string;
  /** The present, for ages. */
  now: number;
  /** Screen width. */
  width: number;
  /** Unicode bars and arrows. */
  unicode: boolean;
  /** Show `namespace/` before PodCliqueSet names (`-A`). */
  showNamespace: boolean;
}

interface Node {
  id: string;
  depth: number;
  name: string;
  objName: string;
  kind: "PodCliqueSet" | "PodGang" | "PodClique" | "Pod";
  namespace: string;
  details: Segment[];
  children: Node[];
  defaultOpen: boolean;
}

/** Phase tone of a gang. */
export function gangPhaseTone(phase: string): Tone {
  return phase === "Running" ? "ok" : phase === "Starting" ? "warn" : "bad";
}

/** Tone of a pod status as kubectl prints it. */
export function podStatusTone(status: string): Tone {
  if (status === "Running" || status === "Completed") return "ok";
  if (/BackOff|Err|Error|Failed|Evicted|OOM|Unknown|Invalid/.test(status)) return "bad";
  return "warn";
}

const STATE_TONE: Record<string, Tone> = {
  Ready: "ok",
  Starting: "warn",
  Updating: "accent",
  Degraded: "warn",
  Unhealthy: "bad",
  Unknown: "dim",
};

function pcsNode(p: PcsStatusInfo, pods: Map<string, Pod[]>, i: HierarchyInput): Node {
  const ns = p.namespace;
  const id = `pcs:${ns}/${p.name}`;
  const gangIds = new Set(p.gangs.map((g) => g.name));
  const children: Node[] = p.gangs.map((g) =>
    gangNode(g, p.cliques.filter((c) => c.gang === g.name), ns, pods, i)
  );
  for (const c of p.cliques.filter((c) => !c.gang || !gangIds.has(c.gang))) {
    children.push(cliqueNode(c, ns, 1, pods, i));
  }
  const r = p.replicas;
  return {
    id,
    depth: 0,
    name: i.showNamespace ? `${ns}/${p.name}` : p.name,
    objName: p.name,
    kind: "PodCliqueSet",
    namespace: ns,
    details: [
      seg(cell(p.state, 10), STATE_TONE[p.state] ?? "normal", true),
      seg(`replicas ${r.available ?? "?"}/${r.desired}  `),
      seg(
        `pods ${p.summary.podsReady}/${p.summary.podsDesired}  `,
        p.summary.podsReady >= p.summary.podsDesired ? "normal" : "warn",
      ),
      seg(`gangs ${p.summary.gangsRunning}/${p.summary.gangs}`, "dim"),
    ],
    children,
    defaultOpen: true,
  };
}

function gangNode(
  g: GangStatusInfo,
  cliques: CliqueStatusInfo[],
  ns: string,
  pods: Map<string, Pod[]>,
  i: HierarchyInput,
): Node {
  const score = g.placementScore === null ? "-" : g.placementScore.toFixed(2);
  const scoreTone: Tone = g.placementScore === null
    ? "dim"
    : g.placementScore >= 0.7
    ? "normal"
    : "warn";
  return {
    id: `gang:${ns}/${g.name}`,
    depth: 1,
    name: g.exists ? g.name : `${g.name} (missing)`,
    objName: g.name,
    kind: "PodGang",
    namespace: ns,
    details: [
      seg(cell(g.phase, 9), gangPhaseTone(g.phase)),
      seg(`score ${cell(score, 5)} `, scoreTone),
      seg(`pods ${g.readyPods}/${g.pods}`, g.readyPods >= g.pods ? "normal" : "warn"),
    ],
    children: cliques.map((c) => cliqueNode(c, ns, 2, pods, i)),
    defaultOpen: true,
  };
}

function cliqueNode(
  c: CliqueStatusInfo,
  ns: string,
  depth: number,
  pods: Map<string, Pod[]>,
  i: HierarchyInput,
): Node {
  const tone: Tone = c.belowMinAvailable ? "bad" : c.ready >= c.desired ? "ok" : "warn";
  const flags: Segment[] = [];
  if (c.minAvailableBreached) flags.push(seg(" BREACHED", "bad", true));
  else if (c.waitingForScheduling) flags.push(seg(" waiting for scheduling", "warn"));
  if (!c.exists) flags.push(seg(" not created", "dim"));
  const mine = pods.get(`${ns}/${c.name}`) ?? [];
  return {
    id: `clique:${ns}/${c.name}`,
    depth,
    name: c.name,
    objName: c.name,
    kind: "PodClique",
    namespace: ns,
    details: [
      seg(cell(`${c.ready}/${c.desired}`, 7), tone, true),
      seg(`min ${cell(String(c.minAvailable), 3)} `),
      seg(miniBar(c.progress, 10, i.unicode), tone),
      ...flags,
    ],
    children: mine.map((p) => podNode(p, c.role, ns, depth + 1, i)),
    defaultOpen: false,
  };
}

function podNode(p: Pod, role: string, ns: string, depth: number, i: HierarchyInput): Node {
  const status = podDisplayStatus(p);
  const restarts = podRestarts(p);
  return {
    id: `pod:${ns}/${p.metadata.name}`,
    depth,
    name: p.metadata.name,
    objName: p.metadata.name,
    kind: "Pod",
    namespace: ns,
    details: [
      seg(cell(role, 9) + " ", "dim"),
      seg(cell(status, 16) + " ", podStatusTone(status)),
      seg(cell(p.spec?.nodeName ?? "<none>", 12) + " ", p.spec?.nodeName ? "normal" : "dim"),
      seg(cell(`r${restarts}`, 4), restarts > 0 ? "warn" : "dim"),
      seg(ageOf(p.metadata.creationTimestamp, i.now), "dim"),
    ],
    children: [],
    defaultOpen: false,
  };
}

function podsByClique(pods: Pod[]): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of pods) {
    const q = p.metadata.labels?.[LabelKeys.podClique];
    if (!q) continue;
    const k = `${p.metadata.namespace ?? ""}/${q}`;
    const list = out.get(k);
    if (list) list.push(p);
    else out.set(k, [p]);
  }
  for (const list of out.values()) {
    list.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }
  return out;
}

function matches(n: Node, f: string): boolean {
  return n.name.toLowerCase().includes(f);
}

function anyMatch(n: Node, f: string): boolean {
  return matches(n, f) || n.children.some((c) => anyMatch(c, f));
}

/**
 * The hierarchy as rows. Without a filter, sets and gangs start expanded
 * and cliques collapsed (Enter toggles). With a filter, rows whose name
 * contains it are shown with their ancestors (opened) and descendants
 * (as expanded by the user).
 */
export function hierarchyView(i: HierarchyInput): ViewBody {
  const pods = podsByClique(i.pods);
  const roots = i.report.podCliqueSets.map((p) => pcsNode(p, pods, i));
  const f = i.filter.trim().toLowerCase();
  const flat: { n: Node; open: boolean }[] = [];
  const walk = (n: Node, inMatch: boolean) => {
    const self = f !== "" && matches(n, f);
    if (f !== "" && !inMatch && !anyMatch(n, f)) return;
    const descendantMatch = f !== "" && !self && !inMatch && n.children.some((c) => anyMatch(c, f));
    const open = descendantMatch || (i.expanded[n.id] ?? n.defaultOpen);
    flat.push({ n, open });
    if (open) { for (const c of n.children) walk(c, inMatch || self); }
  };
  for (const r of roots) walk(r, false);
  const nameW = Math.max(
    16,
    Math.min(
      i.width - 50,
      Math.max(0, ...flat.map(({ n }) => n.depth * 2 + 2 + [...n.name].length)) + 1,
    ),
  );
  const rows: Row[] = flat.map(({ n, open }) => {
    const arrow = n.children.length === 0
      ? "  "
      : open
      ? (i.unicode ? "▾ " : "- ")
      : (i.unicode ? "▸ " : "+ ");
    // long names are cut from the left: the ends tell prefill and decode pods apart
    const lead = "  ".repeat(n.depth) + arrow;
    const left = cellTail(lead + n.name, nameW, [...lead].length) + " ";
    const nameTone: Tone = n.kind === "PodCliqueSet" ? "title" : "normal";
    return {
      id: n.id,
      line: line(seg(left, nameTone, n.kind === "PodCliqueSet"), ...n.details),
      expandable: n.children.length > 0,
      open: n.children.length > 0 && open,
      target: { kind: n.kind, namespace: n.namespace, name: n.objName },
    };
  });
  const empty = i.report.podCliqueSets.length === 0
    ? [line(
      seg(
        i.report.scope.allNamespaces
          ? "No PodCliqueSets in any namespace."
          : `No PodCliqueSets in namespace "${i.report.scope.namespace}" (try -A).`,
        "dim",
      ),
    )]
    : [line(seg(`Nothing matches "${i.filter}" (Esc clears the filter).`, "dim"))];
  return { rows, empty };
}
