/**
 * The CLI side of `status`: options -> collect -> report -> print, and the
 * `--watch` printers (redraw on a terminal, blank-line separated reports on
 * a pipe, one JSON document per line with `-o json`).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { UsageError } from "../../lib/errors.ts";
import { isStructured } from "../../lib/render/output.ts";
import { printOutput, printWatch } from "../print.ts";
import { watchFooter } from "../watch_screen.ts";
import {
  buildStatusReport,
  collectStatus,
  renderStatus,
  type StatusQuery,
  type StatusReport,
  watchStatus,
} from "../../tasks/status/mod.ts";

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
  printOutput(ctx, report, opts.output, () => text(ctx, report, opts));
  if (report.podCliqueSets.length === 0) ctx.note(noneFound(report));
}

function text(ctx: CliContext, report: StatusReport, opts: StatusCommandOptions): string {
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
  const tty = ctx.io.stdoutIsTTY && !isStructured(opts.output);
  await printWatch(
    ctx,
    watchStatus(kube, q, { signal: ctx.abort.signal, refreshMs: tty ? 5000 : undefined }),
    {
      format: opts.output,
      text: (report) =>
        text(ctx, report, opts) ||
        (report.scope.name
          ? `PodCliqueSet "${report.scope.name}" is gone.\n`
          : noneFound(report) + "\n"),
      footer: (report) => watchFooter("", report.generatedAt),
    },
  );
}
