/** `kubectl grove restart`: rolling restart of a PodCliqueSet's pods that never goes below minAvailable. @module */

import { Command, Option } from "../../lib/deps.ts";
import { examples, parseDurationMs, parsePositive } from "../common.ts";
import type { CliContext } from "../context.ts";

/** The `restart` command. */
export function restartCommand(ctx: CliContext) {
  return new Command("restart")
    .description(
      "rolling restart: delete pods in batches that never take a clique below minAvailable, waiting for readiness between batches",
    )
    .argument("<pcs>", "PodCliqueSet name")
    .option("--role <role>", "only pods of this role")
    .option("--batch-size <n>", "pods deleted at once", parsePositive, 1)
    .option("--force", "delete all selected pods at once (after confirmation)")
    .option("--dry-run", "show the batches; change nothing")
    .option("-y, --yes", "do not ask for confirmation")
    .addOption(
      new Option("--timeout <duration>", "max wait for one batch to be ready").argParser(
        parseDurationMs,
      )
        .default(600_000, "10m"),
    )
    .addOption(
      new Option("--interval <duration>", "time between readiness polls").argParser(parseDurationMs)
        .default(2000, "2s"),
    )
    .addHelpText(
      "after",
      examples([
        "kubectl grove restart my-llm --role prefill --dry-run",
        "kubectl grove restart my-llm --role decode --batch-size 2 --yes",
        "kubectl grove restart my-llm --role frontend --force",
      ]),
    )
    .action(async (pcs, opts) => {
      const { runRestart } = await import("../run/restart.ts");
      await runRestart(ctx, pcs, {
        role: opts.role,
        batchSize: opts.batchSize,
        force: opts.force === true,
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
        timeoutMs: opts.timeout,
        intervalMs: opts.interval,
      });
    });
}
