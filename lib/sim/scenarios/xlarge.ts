/**
 * The `xlarge` scenario: the `large` scenario at ten times the size, for the
 * bench (issue 24). 5,200 nodes (5,120 GPU nodes of 8 GPUs in 4 zones x 160
 * racks x 8 hosts, 80 CPU nodes), 600 PodCliqueSets in 16 namespaces (200
 * disaggregated, 400 aggregated), 20,000 Grove pods plus one device-plugin
 * pod per GPU node, 1,000 PodGangs. Generated at load time (about 2 s).
 *
 * @module
 */

import type { KubeObject } from "../../kube/types.ts";
import { RECORDED_AT } from "./common.ts";
import { generateSizedObjects, type ScenarioSizes } from "./large.ts";

/** Sizes of the xlarge scenario. */
export const XLARGE_SIZES: ScenarioSizes = {
  zones: 4,
  racksPerZone: 160,
  nodesPerRack: 8,
  cpuNodes: 80,
  pcs: 600,
  namespaces: [
    "inference",
    ...Array.from({ length: 15 }, (_, i) => `team-${String.fromCharCode(97 + i)}`),
  ],
};

/** meta.json of the xlarge scenario. */
export function xlargeMeta(recordedAt = RECORDED_AT): {
  recordedAt: string;
  description: string;
  namespace: string;
  groveInstalled: boolean;
  generator: string;
} {
  return {
    recordedAt,
    description:
      "The large cluster at ten times the size: 5,200 nodes (5,120 x 8 GPUs over 4 zones x 160 racks), 600 PodCliqueSets in 16 namespaces, 20,000 Grove pods plus 5,120 device-plugin pods, 1,000 PodGangs, zone/rack/host ClusterTopologyBinding.",
    namespace: "inference",
    groveInstalled: true,
    generator: "xlarge",
  };
}

/**
 * Generates the xlarge scenario's objects (same call signature as the large
 * generator).
 *
 * @example
 * ```ts ignore
 * import { generateXlargeScenario } from "./xlarge.ts";
 * const { objects } = generateXlargeScenario();
 * console.log(objects.filter((o) => o.kind === "Pod").length); // 25,000+
 * ```
 */
export function generateXlargeScenario(
  opts: { recordedAt?: string; meta?: { recordedAt?: string } } = {},
): { meta: ReturnType<typeof xlargeMeta>; objects: KubeObject[] } {
  const recordedAt = opts.recordedAt ?? opts.meta?.recordedAt ?? RECORDED_AT;
  return { meta: xlargeMeta(recordedAt), objects: generateSizedObjects(XLARGE_SIZES, recordedAt) };
}
