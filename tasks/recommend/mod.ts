/**
 * `recommend` as a library: what to fix first, as one ranked list of
 * findings (severity, evidence, commands) over every PodCliqueSet in scope,
 * for one cluster ({@link recommend}) or several ({@link recommendFleet}).
 *
 * @module
 */

import { type FleetReport, readFleet, type ReadFleetOptions } from "../../lib/kube/fleet.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { collectRecommend } from "./collect.ts";
import {
  buildRecommendReport,
  mergeFleetFindings,
  type RecommendFinding,
  type RecommendReport,
} from "./report.ts";

export {
  collectRecommend,
  type CollectRecommendOptions,
  type CrashLog,
  mapBounded,
  type RecommendObjects,
} from "./collect.ts";
export { recommendObjectsFrom } from "./from_objects.ts";
export {
  type ActionCommand,
  buildRecommendReport,
  cheapestMove,
  type CliqueFloor,
  commandDryRun,
  deletionBreaksFloor,
  type FreeBlockMove,
  lastErrorLine,
  mergeFleetFindings,
  rankFindings,
  type RecommendFinding,
  type RecommendReport,
  type RecommendReportOptions,
  type RuleId,
  RULES,
  type Severity,
  type UnrankedFinding,
} from "./report.ts";
export type { MetricsCollected, ScrapeOutcome } from "../metrics/collect.ts";
export type { PodTarget } from "../metrics/targets.ts";
export type { EngineSnapshot, LatencyKey } from "../../lib/metrics/snapshot.ts";
export type { PodEndpoint } from "../../lib/metrics/engines.ts";
export type { NodeGpuState } from "../../lib/topology/model.ts";
export { renderFindings, renderRecommend, type RenderRecommendOptions } from "./render.ts";

/** Options of {@link recommend}. */
export interface RecommendOptions {
  /** Namespace (default: the client's); `null` for all namespaces. */
  namespace?: string | null;
  /** One PodCliqueSet. */
  pcs?: string;
  /** Placement score threshold (default 0.7). */
  lowScore?: number;
  /** Timeout of one metrics scrape of a planned set, ms (default 5000). */
  scrapeTimeoutMs?: number;
  /** Metrics port for pods that name none. */
  fallbackPort?: number;
  /** Stops the scrapes. */
  signal?: AbortSignal;
  /** The present (default now). */
  now?: Date | number;
}

/**
 * Collects and ranks the findings of one cluster. `report.summary.critical`
 * above 0 is what the CLI turns into exit code 3.
 *
 * @example
 * ```ts ignore
 * import { recommend } from "./mod.ts";
 * const r = await recommend(kube, { namespace: null });
 * for (const f of r.findings) console.log(f.rank, f.severity, f.title, f.commands[0]?.command);
 * ```
 */
export async function recommend(kube: Kube, opts: RecommendOptions = {}): Promise<RecommendReport> {
  const namespace = opts.namespace === null ? undefined : opts.namespace ?? kube.namespace;
  const objects = await collectRecommend(kube, {
    namespace,
    pcs: opts.pcs,
    scrapeTimeoutMs: opts.scrapeTimeoutMs,
    fallbackPort: opts.fallbackPort,
    signal: opts.signal,
  });
  return buildRecommendReport(objects, { now: opts.now ?? Date.now(), lowScore: opts.lowScore });
}

/** A fleet recommend: each context's report, and one list ranked across them. */
export interface FleetRecommendation {
  /** Per-context reports and the contexts that could not be read. */
  fleet: FleetReport<RecommendReport>;
  /** Every context's findings in one ranking, each with its `context`. */
  findings: RecommendFinding[];
}

/**
 * Reads several clusters concurrently (each with its own timeout) and ranks
 * all their findings together; the dashboard's overview calls this.
 *
 * @example
 * ```ts ignore
 * import { recommendFleet } from "./mod.ts";
 * const { fleet, findings } = await recommendFleet(["east", "west"], { namespace: null });
 * console.log(findings[0]?.context, findings[0]?.title, fleet.failures);
 * ```
 */
export async function recommendFleet(
  contexts: string[],
  opts: RecommendOptions & ReadFleetOptions = {},
): Promise<FleetRecommendation> {
  const fleet = await readFleet(
    contexts,
    (kube) => recommend(kube, { ...opts, namespace: opts.namespace }),
    opts,
  );
  return { fleet, findings: mergeFleetFindings(fleet.items) };
}
