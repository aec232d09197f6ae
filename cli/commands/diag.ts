/** `kubectl grove diag`: a complete, secret-free diagnostics bundle that replays offline. @module */

import { Command, Option } from "../../lib/deps.ts";
import { examples, parseDurationMs } from "../common.ts";
import type { CliContext } from "../context.ts";

/** The `diag` command. */
export function diagCommand(ctx: CliContext) {
  return new Command("diag")
    .description(
      "collect a diagnostics bundle (resources, pods, nodes, events, operator logs, reports) with no secrets",
    )
    .argument("[pcs]", "only this PodCliqueSet (default: the whole namespace)")
    .option(
      "-o, --output-dir <dir>",
      "bundle directory to create (default: ./grove-diagnostics-<timestamp>)",
    )
    .option("--archive", "write <dir>.tar.gz instead of a directory")
    .option("--since <duration>", "events of this last period", "10m")
    .option("--metrics", "also scrape each engine pod's /metrics once")
    .option("--log-lines <n>", "operator log lines per container", "2000")
    .addOption(
      new Option(
        "--events <which>",
        "events in summary.md: warning (Warnings only, newest first) or all (Normal ones too, after the Warnings)",
      ).choices(["warning", "all"]).default("warning"),
    )
    .addHelpText(
      "after",
      `
The bundle holds Grove resources, pods and nodes as YAML (the format the
simulated cluster serves), tables of pods, nodes and events (warnings first),
operator logs (and the previous container's after a restart), the status,
health and topology reports, and summary.md with the problems found.
Secrets are never collected; secretKeyRef values, last-applied-configuration
and tokens, passwords and keys in logs and env are redacted. Files are
private (0700/0600); an existing path is never overwritten. Progress goes to
stderr, only the bundle path to stdout. Exit code 5 when a collector failed
(the bundle is partial; summary.md says what failed).
` + examples([
        "kubectl grove diag -n inference",
        "kubectl grove diag my-llm -n inference --archive --metrics",
        "kubectl grove diag -A --since 1h -o /tmp/incident-42",
        "# replay it offline, any command:",
        "kubectl grove --replay /tmp/incident-42 status --all",
      ]),
    )
    .action(async (pcs, opts) => {
      const { UsageError, ExitCode } = await import("../../lib/errors.ts");
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
      const { diag } = await import("../../tasks/diag/run.ts");
      const { diagReports } = await import("../../tasks/diag/reports.ts");
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
        events: opts.events as "warning" | "all",
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
    });
}
