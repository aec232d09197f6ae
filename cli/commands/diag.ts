/** `kubectl grove diag`: a complete, secret-free diagnostics bundle that replays offline. @module */

import { Command, Option } from "../../lib/deps.ts";
import { examples } from "../common.ts";
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
    .action(async (pcs: string | undefined, opts) => {
      const { runDiag } = await import("../run/diag.ts");
      await runDiag(ctx, pcs, {
        outputDir: opts.outputDir,
        archive: opts.archive === true,
        since: String(opts.since),
        metrics: opts.metrics === true,
        logLines: String(opts.logLines),
        events: opts.events as "warning" | "all",
      });
    });
}
