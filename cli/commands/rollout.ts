/** `kubectl grove rollout`: status, history, diff, undo, pause, resume. @module */

import { Command, Option } from "../../lib/deps.ts";
import type { OutputFormat } from "../../lib/render/output.ts";
import { examples, outputOption, parseDurationMs, parsePcsName, parsePositive } from "../common.ts";
import type { CliContext } from "../context.ts";
import { addProgressiveCommands } from "./rollout_progressive.ts";

function statusCommand(ctx: CliContext) {
  return new Command("status")
    .description(
      "follow a rollout until it completes: revision from -> to, strategy, per-role progress, placement score, recent events, time left",
    )
    .argument("<pcs>", "PodCliqueSet name", parsePcsName)
    .option("-w, --watch", "redraw the whole status on every change (default: one line per change)")
    .option("--no-wait", "print the status once and exit (0, or 3 when failed)")
    .addOption(
      new Option("--timeout <duration>", "give up waiting after this long (exit 4)").argParser(
        parseDurationMs,
      )
        .default(600_000, "10m"),
    )
    .addOption(
      new Option(
        "--progress-deadline <duration>",
        "no progress for this long counts as stalled (exit 3)",
      ).argParser(parseDurationMs)
        .default(600_000, "10m"),
    )
    .option(
      "--metrics [window]",
      "scrape the engines at the end and show TTFT/TPOT p99 per role (window between two scrapes, e.g. 30s; default: one scrape)",
    )
    .addOption(
      new Option("--interval <duration>", "how often time-outs are re-checked when nothing changes")
        .argParser(parseDurationMs)
        .default(2000).hideHelp(),
    )
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove rollout status my-llm",
        "kubectl grove rollout status my-llm --watch --timeout 30m",
        "kubectl grove rollout status my-llm --no-wait -o json",
        "",
        "Exit codes: 0 complete, 3 failed (new pods failing) or stalled, 4 timeout.",
        "Ctrl-C stops watching; the rollout goes on in the cluster.",
      ]),
    )
    .action(async (pcs, opts) => {
      const { runStatus } = await import("../run/rollout.ts");
      await runStatus(ctx, pcs, {
        watch: opts.watch === true,
        wait: opts.wait,
        timeoutMs: opts.timeout,
        intervalMs: opts.interval as number,
        progressDeadlineMs: opts.progressDeadline,
        output: opts.output as OutputFormat,
        metricsWindowMs: opts.metrics === undefined
          ? undefined
          : opts.metrics === true
          ? 0
          : parseDurationMs(String(opts.metrics)),
      });
    });
}

function historyCommand(ctx: CliContext) {
  return new Command("history")
    .description("list the revisions kubectl-grove recorded, with what each changed")
    .argument("<pcs>", "PodCliqueSet name", parsePcsName)
    .option("--revision <n>", "show one revision in full (template included)", parsePositive)
    .addOption(outputOption(["table", "wide", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove rollout history my-llm",
        "kubectl grove rollout history my-llm --revision 2",
        "kubectl grove rollout history my-llm -o json | jq '.entries[] | {revision, changes}'",
      ]),
    )
    .action(async (pcs, opts) => {
      const { runHistory } = await import("../run/rollout.ts");
      await runHistory(ctx, pcs, { revision: opts.revision, output: opts.output as OutputFormat });
    });
}

function diffCommand(ctx: CliContext) {
  return new Command("diff")
    .description("unified YAML diff from a revision to the live template (or another revision)")
    .argument("<pcs>", "PodCliqueSet name", parsePcsName)
    .requiredOption(
      "--revision <n>",
      "the revision to compare with the live template",
      parsePositive,
    )
    .option(
      "--to-revision <n>",
      "compare with this revision instead of the live template",
      parsePositive,
    )
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove rollout diff my-llm --revision 2",
        "kubectl grove rollout diff my-llm --revision 2 --to-revision 4",
      ]),
    )
    .action(async (pcs, opts) => {
      const { runDiff } = await import("../run/rollout.ts");
      await runDiff(ctx, pcs, {
        revision: opts.revision,
        against: opts.toRevision,
        output: opts.output as OutputFormat,
      });
    });
}

function undoCommand(ctx: CliContext) {
  return new Command("undo")
    .description(
      "restore a revision's template (default: the previous one); recorded as the newest revision",
    )
    .argument("<pcs>", "PodCliqueSet name", parsePcsName)
    .option("--revision <n>", "the revision to restore (as in history and diff)", parsePositive)
    .option("--to-revision <n>", "the same as --revision (kubectl's name)", parsePositive)
    .option("--dry-run", "show the diff and validate with the server; change nothing")
    .option("-m, --message <cause>", "change cause to record")
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText(
      "after",
      examples([
        "kubectl grove rollout undo my-llm",
        "kubectl grove rollout undo my-llm --revision 2 --dry-run",
        "kubectl grove rollout undo my-llm --revision 2 --yes -m 'p99 regression'",
      ]),
    )
    .action(async (pcs, opts) => {
      const { runUndo } = await import("../run/rollout.ts");
      await runUndo(ctx, pcs, {
        revision: opts.revision,
        toRevision: opts.toRevision,
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
        message: opts.message,
      });
    });
}

function pauseCommand(ctx: CliContext, pausing: boolean) {
  const name = pausing ? "pause" : "resume";
  return new Command(name)
    .description(
      pausing
        ? "pause a rollout: strategy OnDelete (pods already replaced stay), previous strategy kept in an annotation"
        : "resume a paused rollout: restore the strategy it had",
    )
    .argument("<pcs>", "PodCliqueSet name", parsePcsName)
    .option("--dry-run", "validate with the server; change nothing")
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", examples([`kubectl grove rollout ${name} my-llm --yes`]))
    .action(async (pcs, opts) => {
      const { runPause } = await import("../run/rollout.ts");
      await runPause(ctx, pcs, pausing, { dryRun: opts.dryRun === true, yes: opts.yes === true });
    });
}

/** The `rollout` command and its subcommands. */
export function rolloutCommand(ctx: CliContext) {
  const cmd = new Command("rollout")
    .description(
      "rollouts of a PodCliqueSet: status, history, diff, undo, pause, resume; progressive: start, canary, promote, abort (revisions are ControllerRevisions kept by kubectl-grove)",
    )
    .addCommand(statusCommand(ctx))
    .addCommand(historyCommand(ctx))
    .addCommand(diffCommand(ctx))
    .addCommand(undoCommand(ctx))
    .addCommand(pauseCommand(ctx, true))
    .addCommand(pauseCommand(ctx, false));
  addProgressiveCommands(cmd, ctx);
  return cmd
    .addHelpText(
      "after",
      examples([
        "kubectl grove update my-llm --image vllm/vllm-openai:v0.11.0 -m 'vllm 0.11'",
        "kubectl grove rollout status my-llm",
        "kubectl grove rollout history my-llm",
        "kubectl grove rollout undo my-llm",
      ]),
    );
}
