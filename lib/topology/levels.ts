/**
 * Topology levels of a cluster: from a `ClusterTopologyBinding`, else from
 * the legacy `ClusterTopology`, else inferred from well-known node labels
 * (saying so). Levels run from the broadest domain (zone) to the narrowest
 * (host).
 *
 * @module
 */

import { RACK_LABEL_CANDIDATES, WellKnownNodeLabels } from "../grove/labels.ts";
import type {
  ClusterTopology,
  ClusterTopologyBinding,
  Node,
  TopologyLevel,
} from "../grove/types.ts";

/** Where the levels came from. */
export type TopologySource = "ClusterTopologyBinding" | "ClusterTopology" | "node-labels";

/** The levels in use, their origin, and what is wrong with them. */
export interface ResolvedTopology {
  /** Name of the topology object; undefined for inferred levels. */
  name?: string;
  /** Where the levels came from. */
  source: TopologySource;
  /** Levels from broadest to narrowest. */
  levels: TopologyLevel[];
  /** Keys of levels that no node carries (a misconfigured binding). */
  missingKeys: string[];
  /** Human-readable remarks (fallbacks, choices made). */
  notes: string[];
}

/** Input of {@link resolveTopology}. */
export interface ResolveTopologyInput {
  /** ClusterTopologyBinding objects (may be empty). */
  bindings?: ClusterTopologyBinding[];
  /** Legacy ClusterTopology objects (may be empty). */
  legacy?: ClusterTopology[];
  /** Nodes, to check label keys and infer levels. */
  nodes: Node[];
  /** Preferred topology name (from a PCS `topologyConstraint.topologyName` or a PodGang annotation). */
  preferredName?: string;
}

/** The node label holding the host name; a level with this key is the node itself. */
export const HOST_KEY: string = WellKnownNodeLabels.hostname;

/**
 * Picks the topology levels of a cluster.
 *
 * Order of preference: the ClusterTopologyBinding named `preferredName`,
 * else the first binding by name; then the legacy ClusterTopology likewise;
 * else levels inferred from well-known node labels (region, zone, a rack
 * label, host), keeping only those some node carries.
 *
 * @example
 * ```ts
 * import { resolveTopology } from "./levels.ts";
 * const t = resolveTopology({ nodes: [{ metadata: { name: "n1", labels: {
 *   "topology.kubernetes.io/zone": "z1", "kubernetes.io/hostname": "n1" } } }] });
 * t.source; // "node-labels"
 * t.levels.map((l) => l.domain); // ["zone", "host"]
 * ```
 */
export function resolveTopology(input: ResolveTopologyInput): ResolvedTopology {
  const notes: string[] = [];
  const pick = <T extends { metadata: { name: string } }>(objs: T[]): T | undefined => {
    const sorted = [...objs].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const named = input.preferredName
      ? sorted.find((o) => o.metadata.name === input.preferredName)
      : undefined;
    if (input.preferredName && !named && sorted.length) {
      notes.push(
        `topology "${input.preferredName}" named by the workload was not found; using "${
          sorted[0].metadata.name
        }"`,
      );
    }
    if (!named && sorted.length > 1) {
      notes.push(
        `${sorted.length} topology objects exist (${
          sorted.map((o) => o.metadata.name).join(", ")
        }); showing "${sorted[0].metadata.name}"`,
      );
    }
    return named ?? sorted[0];
  };
  const binding = pick(input.bindings ?? []);
  if (binding) return finish(binding.metadata.name, "ClusterTopologyBinding", binding.spec?.levels);
  const legacy = pick(input.legacy ?? []);
  if (legacy) {
    notes.push("legacy ClusterTopology in use (Grove up to v0.1.0-alpha.8)");
    return finish(legacy.metadata.name, "ClusterTopology", legacy.spec?.levels);
  }
  return inferFromNodeLabels(input.nodes, notes);

  function finish(
    name: string,
    source: TopologySource,
    levels: TopologyLevel[] | undefined,
  ): ResolvedTopology {
    const lv = (levels ?? []).filter((l) => l && l.key);
    const missingKeys = lv
      .filter((l) => l.key !== HOST_KEY && !input.nodes.some((n) => n.metadata.labels?.[l.key]))
      .map((l) => l.key);
    if (missingKeys.length && input.nodes.length) {
      notes.push(
        `no node carries the label key${missingKeys.length > 1 ? "s" : ""} ${
          missingKeys.join(", ")
        } of ${source} "${name}": label the nodes or fix the levels`,
      );
    }
    if (lv.length === 0) notes.push(`${source} "${name}" defines no levels`);
    return { name, source, levels: lv, missingKeys, notes };
  }
}

function inferFromNodeLabels(nodes: Node[], notes: string[]): ResolvedTopology {
  const has = (key: string) => nodes.some((n) => n.metadata.labels?.[key] !== undefined);
  const levels: TopologyLevel[] = [];
  if (has(WellKnownNodeLabels.region)) {
    levels.push({ domain: "region", key: WellKnownNodeLabels.region });
  }
  if (has(WellKnownNodeLabels.zone)) levels.push({ domain: "zone", key: WellKnownNodeLabels.zone });
  const rack = RACK_LABEL_CANDIDATES.find(has);
  if (rack) levels.push({ domain: "rack", key: rack });
  levels.push({ domain: "host", key: HOST_KEY });
  notes.push(
    `no ClusterTopologyBinding or ClusterTopology found: levels inferred from well-known node labels (${
      levels.map((l) => `${l.domain}=${l.key}`).join(", ")
    })`,
  );
  return { source: "node-labels", levels, missingKeys: [], notes };
}

/**
 * The value of a node for a label key: its label, or for the host key its
 * name when the label is absent. Undefined when the node lacks the label.
 */
export function nodeDomainValue(node: Node, key: string): string | undefined {
  const v = node.metadata.labels?.[key];
  if (v !== undefined) return v;
  return key === HOST_KEY ? node.metadata.name : undefined;
}

/** The level whose label key is `key`, if any. */
export function levelForKey(levels: TopologyLevel[], key: string): TopologyLevel | undefined {
  return levels.find((l) => l.key === key);
}

/** A display name for a pack key: its level's domain (`rack`), else the key itself. */
export function domainNameForKey(levels: TopologyLevel[], key: string): string {
  return levelForKey(levels, key)?.domain ?? (key === HOST_KEY ? "host" : key);
}

/** Index of a key among the levels (0 = broadest), or -1. */
export function levelIndex(levels: TopologyLevel[], key: string): number {
  return levels.findIndex((l) => l.key === key);
}
