/**
 * `kubectl grove diag`: validates `--since` and `--log-lines`, writes the
 * bundle with the status, health and topology reports, prints its path;
 * exit code 5 when a collector failed.
 *
 * @module
 */

import { ExitCode, UsageError } from "../../lib/errors.ts";
import { diag, diagReports } from "../../tasks/diag/mod.ts";
import { parseDurationMs } from "../common.ts";
import type { CliContext } from "../context.ts";

/** Flags of `kubectl grove diag`, as given. */
export interface DiagCommandOptions {
  /** `-o, --output-dir`. */
  outputDir?: string;
  /** `--archive`. */
  archive: boolean;
  /** `--since`, a duration. */
  since: string;
  /** `--metrics`. */
  metrics: boolean;
  /** `--log-lines`, a whole number. */
  logLines: string;
  /** `--events`: Warning events only (default) or all of them in summary.md. */
  events?: "warning" | "all";
}

/** Runs `diag` for the CLI. */
export async function runDiag(
  ctx: CliContext,
  pcs: string | undefined,
  opts: DiagCommandOptions,
): Promise<void> {
  let sinceMs: number;
  try {
    sinceMs = parseDurationMs(opts.since);
  } catch (e) {
    throw new UsageError(`--since: ${(e as Error).message}`);
  }
  const logLines = Number(opts.logLines);
  if (!Number.isInteger(logLines) || logLines < 1) {
    throw new UsageError(`--log-lines: expected a whole number >= 1, got "${opts.logLines}"`);
  }
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  const operatorNamespace = String(
    ctx.config.values["defaults.operator_namespace"] ?? "grove-system",
  );
  const res = await diag(kube, {
    namespace,
    allNamespaces: ctx.globals.allNamespaces,
    pcs,
    operatorNamespace,
    sinceMs,
    events: opts.events ?? "warning",
    logLines,
    metrics: opts.metrics,
    outputDir: opts.outputDir,
    archive: opts.archive,
    reports: (objects) =>
      diagReports(objects, {
        namespace,
        allNamespaces: ctx.globals.allNamespaces,
        pcs,
        now: new Date(),
      }),
    progress: (step, total, what) => ctx.note(`[${step}/${total}] ${what}`),
  });
  const crit = res.bundle.findings.filter((f) => f.severity === "critical").length;
  ctx.note(
    `bundle written: ${res.bundle.files.size} files, ${res.bundle.findings.length} problem(s) found (${crit} critical), ${res.bundle.redactions} value(s) redacted${
      res.bundle.partial ? "; PARTIAL: see summary.md for the collectors that failed" : ""
    }`,
  );
  ctx.print(res.path);
  if (res.bundle.partial) ctx.exitCode = ExitCode.PARTIAL;
}
