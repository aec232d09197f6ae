/**
 * The CLI side of `health`: flags -> collect -> report -> print, exit code
 * 3 (check failed) unless every gang is healthy, and the `--watch` printer
 * whose countdown ticks every second.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { ExitCode, UsageError } from "../../lib/errors.ts";
import { toJson, toJsonLine, toYaml } from "../../lib/render/output.ts";
import {
  buildHealthReport,
  collectHealth,
  type HealthReport,
  renderHealth,
  watchHealth,
} from "../../tasks/health/mod.ts";
import { watchFooter, WatchScreen } from "../watch_screen.ts";

/** Flags of `kubectl grove health`. */
export interface HealthCommandOptions {
  /** `-o`. */
  output: "table" | "json" | "yaml";
  /** `--all`. */
  all?: boolean;
  /** `-w, --watch`. */
  watch?: boolean;
}

function format(ctx: CliContext, r: HealthReport, output: string): string {
  if (output === "json") return toJson(r);
  if (output === "yaml") return toYaml(r);
  return renderHealth(r, ctx.style);
}

/** Runs `health` for the CLI; sets exit code 3 when a gang is not healthy. */
export async function runHealth(
  ctx: CliContext,
  pcs: string | undefined,
  opts: HealthCommandOptions,
): Promise<void> {
  // like status: without a name, every PodCliqueSet of the namespace (or -A)
  if (pcs && opts.all) {
    throw new UsageError(`give either a PodCliqueSet ("${pcs}") or --all, not both`);
  }
  const kube = await ctx.kube();
  const namespace = ctx.globals.allNamespaces ? undefined : await ctx.namespace();
  const q = { namespace, pcs };
  const setCode = (r: HealthReport) => {
    ctx.exitCode = r.healthy ? ExitCode.OK : ExitCode.CHECK_FAILED;
  };
  if (!opts.watch) {
    const r = buildHealthReport(await collectHealth(kube, q), { ...q, now: Date.now() });
    ctx.write(format(ctx, r, opts.output));
    setCode(r);
    return;
  }
  ctx.interruptIsNormal = true;
  const tty = ctx.io.stdoutIsTTY && opts.output === "table";
  let n = 0;
  let last = "";
  const screen = new WatchScreen((s) => ctx.write(s));
  try {
    for await (const r of watchHealth(kube, q, { signal: ctx.abort.signal })) {
      setCode(r);
      if (opts.output === "json") {
        ctx.write(toJsonLine(r));
        continue;
      }
      if (opts.output === "yaml") {
        ctx.write(`---\n${toYaml(r)}`);
        continue;
      }
      const body = format(ctx, r, "table");
      if (tty) {
        screen.frame(body, watchFooter("countdowns tick every second", r.generatedAt));
      } else if (body !== last) {
        // On a pipe, print only when the text changed (ticks without a countdown are identical).
        ctx.write(`${n > 0 ? "\n" : ""}${body}`);
        n++;
      }
      last = body;
    }
  } catch (e) {
    if (ctx.abort.signal.aborted) return;
    throw e;
  } finally {
    screen.close();
  }
}
