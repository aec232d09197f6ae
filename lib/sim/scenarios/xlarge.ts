/**
 * The `xlarge` scenario: the `large` scenario at ten times the size, for the
 * bench (issue 24). 5,200 nodes (5,120 GPU nodes of 8 GPUs in 4 zones x 160
 * racks x 8 hosts, 80 CPU nodes), 600 PodCliqueSets in 16 namespaces (200
 * disaggregated, 400 aggregated), 20,000 Grove pods plus one device-plugin
 * pod per GPU node, 1,000 PodGangs. Generated at load time (about 2 s).
 *
 * @module
 */

import { GroveError } from "../../errors.ts";
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
 * The sizes of a generated scenario: the xlarge ones, with any field
 * overridden by `meta.json`'s `sizes` (tests use this for a smaller
 * cluster of the same shape). A bad size is an error that names it.
 */
export function sizesFromMeta(sizes: unknown): ScenarioSizes {
  if (sizes === undefined) return XLARGE_SIZES;
  if (sizes === null || typeof sizes !== "object" || Array.isArray(sizes)) {
    throw new GroveError(`meta.json "sizes" must be an object, got ${JSON.stringify(sizes)}`, {
      hint: 'e.g. "sizes": {"racksPerZone": 4, "pcs": 12, "namespaces": ["a", "b"]}',
    });
  }
  const out = { ...XLARGE_SIZES, ...(sizes as Partial<ScenarioSizes>) };
  const limits: Record<string, [number, number]> = {
    zones: [1, 4],
    racksPerZone: [1, 999],
    nodesPerRack: [1, 99],
    cpuNodes: [1, 9999],
    pcs: [1, 9999],
  };
  for (const [k, [lo, hi]] of Object.entries(limits)) {
    const v = (out as unknown as Record<string, unknown>)[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
      throw new GroveError(
        `meta.json "sizes.${k}" must be a whole number from ${lo} to ${hi}, got ${
          JSON.stringify(v)
        }`,
      );
    }
  }
  if (
    !Array.isArray(out.namespaces) || out.namespaces.length === 0 ||
    !out.namespaces.every((n) => typeof n === "string" && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n))
  ) {
    throw new GroveError(
      `meta.json "sizes.namespaces" must be a non-empty list of namespace names, got ${
        JSON.stringify(out.namespaces)
      }`,
    );
  }
  return out;
}

/**
 * Generates the xlarge scenario's objects (same call signature as the large
 * generator); `meta.sizes` overrides the sizes.
 *
 * @example
 * ```ts ignore
 * import { generateXlargeScenario } from "./xlarge.ts";
 * const { objects } = generateXlargeScenario();
 * console.log(objects.filter((o) => o.kind === "Pod").length); // 25,121
 * ```
 */
export function generateXlargeScenario(
  opts: { recordedAt?: string; meta?: { recordedAt?: string; sizes?: unknown } } = {},
): { meta: ReturnType<typeof xlargeMeta>; objects: KubeObject[] } {
  const recordedAt = opts.recordedAt ?? opts.meta?.recordedAt ?? RECORDED_AT;
  return {
    meta: xlargeMeta(recordedAt),
    objects: generateSizedObjects(sizesFromMeta(opts.meta?.sizes), recordedAt),
  };
}
