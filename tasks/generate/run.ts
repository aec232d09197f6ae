/**
 * `generate` as a library: the manifests and plans of both serving modes
 * from an AIConfigurator results directory ({@link generateFromResults}).
 *
 * @module
 */

import { buildManifest, defaultName } from "../../lib/aic/manifest.ts";
import { type Plan, planFromResults } from "../../lib/aic/plan.ts";
import {
  type AicResults,
  type Backend,
  readResultsDir,
  type ServingMode,
} from "../../lib/aic/results.ts";

/**
 * Library entry: reads a results directory and returns the manifests and
 * plans for both modes without writing anything.
 *
 * @example
 * ```ts ignore
 * import { generateFromResults } from "./run.ts";
 * const { manifests } = await generateFromResults("./out/Qwen/run_1", { name: "qwen" });
 * ```
 */
export async function generateFromResults(
  dir: string,
  opts: {
    name?: string;
    image?: string;
    gpusPerNode?: number;
    backend?: Backend;
    totalGpus?: number;
  } = {},
): Promise<{
  results: AicResults;
  manifests: Partial<Record<ServingMode, ReturnType<typeof buildManifest>>>;
  plans: Partial<Record<ServingMode, Plan>>;
}> {
  const results = await readResultsDir(dir, { totalGpus: opts.totalGpus });
  const base = opts.name ?? defaultName(results.model);
  const manifests: Partial<Record<ServingMode, ReturnType<typeof buildManifest>>> = {};
  const plans: Partial<Record<ServingMode, Plan>> = {};
  for (const mode of ["disagg", "agg"] as const) {
    if (!results[mode]) continue;
    const pcs = `${base}-${mode}`;
    plans[mode] = planFromResults(results, mode, { pcs });
    manifests[mode] = buildManifest(results, mode, { ...opts, name: pcs, plan: plans[mode] });
  }
  return { results, manifests, plans };
}
