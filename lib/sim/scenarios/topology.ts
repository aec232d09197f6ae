/**
 * Topology conventions of the scenarios: the node label keys of each domain,
 * the zone -> rack -> host levels, and kube-scheduler's message for pods no
 * node can host.
 *
 * @module
 */

import type { TopologyLevel } from "../../grove/types.ts";

/** Node label keys of the topology domains used by the scenarios. */
export const DOMAIN_KEYS: Record<string, string> = {
  region: "topology.kubernetes.io/region",
  zone: "topology.kubernetes.io/zone",
  rack: "topology.kubernetes.io/rack",
  host: "kubernetes.io/hostname",
};

/** The zone -> rack -> host levels. */
export const ZONE_RACK_HOST: TopologyLevel[] = [
  { domain: "zone", key: DOMAIN_KEYS.zone },
  { domain: "rack", key: DOMAIN_KEYS.rack },
  { domain: "host", key: DOMAIN_KEYS.host },
];

/** Standard kube-scheduler message for pods no node can host. */
export function unschedulableMessage(
  total: number,
  parts: { count: number; reason: string }[],
): string {
  const inner = parts.map((p) => `${p.count} ${p.reason}`).join(", ");
  return `0/${total} nodes are available: ${inner}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}
