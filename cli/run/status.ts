/**
 * The CLI side of `status`: options -> collect -> report -> print, and the
 * `--watch` printers (redraw on a terminal, blank-line separated reports on
 * a pipe, one JSON document per line with `-o json`).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { UsageError } from "../../lib/errors.ts";
import { toJson, toJsonLine, toYaml } from "../../lib/render/output.ts";
import {
  buildStatusReport,
  collectStatus,
  renderStatus,
  type StatusQuery,
  type StatusReport,
  watchStatus,
} from "../../tasks/status/mod.ts";
import { watchFooter, WatchScreen } from "../watch_screen.ts";

/** Flags of `kubectl grove status`. */
export interface StatusCommandOptions {
  /** `-o`: table (default), wide, json, yaml. */
  output: "table" | "wide" | "json" | "yaml";
  /** `--all`. */
  all?: boolean;
  /** `-w, --watch`. */
  watch?: boolean;
  /** `--no-headers`. */
  noHeaders?: boolean;
}

/** ANSI: cursor home, clear screen. */

/** Runs `status` for the CLI. */
export async function runStatus(
  ctx: CliContext,
  name: string | undefined,
  opts: StatusCommandOptions,
): Promise<void> {
  if (name && opts.all) {
    throw new UsageError(
      `give a PodCliqueSet name or --all, not both (got "${name}" and --all)`,
      `kubectl grove status ${name}   or   kubectl grove status --all`,
    );
  }
  const kube = await ctx.kube();
  const q: StatusQuery = {
    name,
    namespace: ctx.globals.allNamespaces ? undefined : await ctx.namespace(),
    all: opts.all === true || !name,
    allNamespaces: ctx.globals.allNamespaces === true,
  };
  if (opts.watch) return await watchLoop(ctx, q, opts);
  const objects = await collectStatus(kube, q);
  const report = buildStatusReport(objects, { now: Date.now() });
  ctx.write(format(ctx, report, opts));
  if (report.podCliqueSets.length === 0) ctx.note(noneFound(report));
}

function format(ctx: CliContext, report: StatusReport, opts: StatusCommandOptions): string {
  if (opts.output === "json") return toJson(report);
  if (opts.output === "yaml") return toYaml(report);
  return renderStatus(report, {
    style: ctx.style,
    wide: opts.output === "wide",
    noHeaders: opts.noHeaders,
  });
}

function noneFound(report: StatusReport): string {
  const s = report.scope;
  return s.allNamespaces
    ? "No PodCliqueSets found in any namespace."
    : `No PodCliqueSets found in namespace "${s.namespace}" (look in every namespace with -A).`;
}

async function watchLoop(ctx: CliContext, q: StatusQuery, opts: StatusCommandOptions) {
  const kube = await ctx.kube();
  ctx.interruptIsNormal = true;
  const tty = ctx.io.stdoutIsTTY && opts.output !== "json" && opts.output !== "yaml";
  let n = 0;
  const screen = new WatchScreen((s) => ctx.write(s));
  try {
    for await (
      const report of watchStatus(kube, q, {
        signal: ctx.abort.signal,
        refreshMs: tty ? 5000 : undefined,
      })
    ) {
      if (opts.output === "json") ctx.write(toJsonLine(report));
      else if (opts.output === "yaml") ctx.write(`---\n${toYaml(report)}`);
      else {
        const body = format(ctx, report, opts) ||
          (report.scope.name
            ? `PodCliqueSet "${report.scope.name}" is gone.\n`
            : noneFound(report) + "\n");
        if (tty) screen.frame(body, watchFooter("", report.generatedAt));
        else ctx.write(`${n > 0 ? "\n" : ""}${body}`);
      }
      n++;
    }
  } catch (e) {
    if (ctx.abort.signal.aborted) return;
    throw e;
  } finally {
    screen.close();
  }
}
