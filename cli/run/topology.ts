/**
 * The CLI side of `topology`: flags -> collect -> report -> print, and the
 * `--watch` printer.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { printOutput, printWatch } from "../print.ts";
import { watchFooter } from "../watch_screen.ts";
import {
  buildTopologyReport,
  collectTopology,
  renderTopology,
  watchTopology,
} from "../../tasks/topology/mod.ts";

/** Flags of `kubectl grove topology`. */
export interface TopologyCommandOptions {
  /** `-o`. */
  output: "table" | "json" | "yaml";
  /** `--cluster`. */
  cluster?: boolean;
  /** `-w, --watch`. */
  watch?: boolean;
  /** `--low-score`. */
  lowScore?: number;
}

/** Runs `topology` for the CLI. */
export async function runTopology(
  ctx: CliContext,
  pcs: string | undefined,
  opts: TopologyCommandOptions,
): Promise<void> {
  const kube = await ctx.kube();
  const namespace = ctx.globals.allNamespaces ? undefined : await ctx.namespace();
  const q = { namespace, pcs, cluster: opts.cluster, lowScore: opts.lowScore };
  if (!opts.watch) {
    const objects = await collectTopology(kube, q);
    const r = buildTopologyReport(objects, { ...q, now: Date.now() });
    printOutput(ctx, r, opts.output, () => renderTopology(r, ctx.style));
    if (!opts.cluster && r.podCliqueSets.length === 0) {
      ctx.note(
        `No PodCliqueSets found${
          namespace ? ` in namespace "${namespace}"` : ""
        }; use --cluster for free GPUs and fragmentation of the whole cluster.`,
      );
    }
    return;
  }
  await printWatch(ctx, watchTopology(kube, q, { signal: ctx.abort.signal }), {
    format: opts.output,
    text: (r) => renderTopology(r, ctx.style),
    footer: (r) => watchFooter("pods, nodes and gangs", r.generatedAt),
  });
}
