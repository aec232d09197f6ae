/**
 * The CLI side of `topology`: flags -> collect -> report -> print, and the
 * `--watch` printer.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { toJson, toJsonLine, toYaml } from "../../lib/render/output.ts";
import {
  buildTopologyReport,
  collectTopology,
  renderTopology,
  type TopologyReport,
  watchTopology,
} from "../../tasks/topology/mod.ts";
import { watchFooter, WatchScreen } from "../watch_screen.ts";

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

function format(ctx: CliContext, r: TopologyReport, output: string): string {
  if (output === "json") return toJson(r);
  if (output === "yaml") return toYaml(r);
  return renderTopology(r, ctx.style);
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
    ctx.write(format(ctx, r, opts.output));
    if (!opts.cluster && r.podCliqueSets.length === 0) {
      ctx.note(
        `No PodCliqueSets found${
          namespace ? ` in namespace "${namespace}"` : ""
        }; use --cluster for free GPUs and fragmentation of the whole cluster.`,
      );
    }
    return;
  }
  ctx.interruptIsNormal = true;
  const tty = ctx.io.stdoutIsTTY && opts.output === "table";
  let n = 0;
  const screen = new WatchScreen((s) => ctx.write(s));
  try {
    for await (const r of watchTopology(kube, q, { signal: ctx.abort.signal })) {
      if (opts.output === "json") ctx.write(toJsonLine(r));
      else if (opts.output === "yaml") ctx.write(`---\n${toYaml(r)}`);
      else if (tty) {
        screen.frame(format(ctx, r, "table"), watchFooter("pods, nodes and gangs", Date.now()));
      } else ctx.write(`${n > 0 ? "\n" : ""}${format(ctx, r, "table")}`);
      n++;
    }
  } catch (e) {
    if (ctx.abort.signal.aborted) return;
    throw e;
  } finally {
    screen.close();
  }
}
