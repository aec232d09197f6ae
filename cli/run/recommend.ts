/**
 * The CLI side of `recommend`: flags -> collect -> ranked report -> print;
 * exit code 3 when a critical finding exists. With several contexts, every
 * cluster is read concurrently and the findings are ranked together under a
 * CONTEXT column (JSON: a FleetReport of RecommendReports).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { ExitCode } from "../../lib/errors.ts";
import { toJson, toYaml } from "../../lib/render/output.ts";
import { scrapeSettings } from "./shared.ts";
import {
  mergeFleetFindings,
  recommend,
  type RecommendReport,
  renderFindings,
  renderRecommend,
} from "../../tasks/recommend/mod.ts";
import { fleetRequested, runFleet } from "./fleet.ts";

/** Flags of `kubectl grove recommend`. */
export interface RecommendCommandOptions {
  /** `-o`. */
  output: "table" | "json" | "yaml";
  /** `--low-score`. */
  lowScore?: number;
  /** `--no-headers`. */
  noHeaders?: boolean;
}

const codeOf = (r: RecommendReport) => r.summary.critical > 0 ? ExitCode.CHECK_FAILED : ExitCode.OK;

/** Runs `recommend` for the CLI. */
export async function runRecommend(
  ctx: CliContext,
  pcs: string | undefined,
  opts: RecommendCommandOptions,
): Promise<void> {
  const scrape = scrapeSettings(ctx);
  const read = (kube: Parameters<typeof recommend>[0], namespace: string | undefined) =>
    recommend(kube, {
      namespace: namespace ?? null,
      pcs,
      lowScore: opts.lowScore,
      scrapeTimeoutMs: scrape.timeoutMs,
      fallbackPort: scrape.fallbackPort,
      signal: ctx.abort.signal,
    });
  if (fleetRequested(ctx)) {
    await runFleet(ctx, read, {
      output: opts.output,
      header: true,
      render: (r, style) => renderRecommend(r, style, opts.noHeaders),
      renderAll: (items, style) => {
        const findings = mergeFleetFindings(items);
        const body = renderFindings(findings, { style, contexts: true, noHeaders: opts.noHeaders });
        const crit = findings.filter((f) => f.severity === "critical").length;
        return `${body}${
          body ? "\n" : ""
        }${findings.length} findings (${crit} critical) over ${items.length} contexts: ${
          items.map((i) => i.context).join(", ")
        }\n`;
      },
      exitCode: codeOf,
    });
    return;
  }
  const kube = await ctx.kube();
  const namespace = ctx.globals.allNamespaces ? undefined : await ctx.namespace();
  const r = await read(kube, namespace);
  if (opts.output === "json") ctx.write(toJson(r));
  else if (opts.output === "yaml") ctx.write(toYaml(r));
  else ctx.write(renderRecommend(r, ctx.style, opts.noHeaders));
  ctx.exitCode = codeOf(r);
}
