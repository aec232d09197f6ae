/** `kubectl grove rollout canary|promote|abort|start`: progressive rollouts driven over OnDelete. @module */

import { Command, Option } from "../../lib/deps.ts";
import type { OutputFormat } from "../../lib/render/output.ts";
import { examples, outputOption, parseDurationMs, parsePositive } from "../common.ts";
import type { CliContext } from "../context.ts";

function parseScore(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new Error(`"${v}" is not a placement score between 0 and 1`);
  }
  return n;
}

/** Shared flags of progressive commands (batch size, waits, output, --yes). */
export function withProgressiveFlags<T>(cmd: T, batch = true): T {
  // deno-lint-ignore no-explicit-any
  const c = cmd as any;
  if (batch) {
    c.option(
      "--batch-size <n>",
      "pods (or scaling-group replicas) replaced per batch (default 1)",
      parsePositive,
    );
  }
  return c
    .option("-y, --yes", "do not ask for confirmation")
    .addOption(
      new Option("--batch-timeout <duration>", "max wait for one batch to be ready").argParser(
        parseDurationMs,
      )
        .default(600_000, "10m"),
    )
    .addOption(
      new Option("--interval <duration>", "poll interval while waiting").argParser(parseDurationMs)
        .default(2000, "2s").hideHelp(),
    )
    .addOption(outputOption(["table", "json", "yaml"])) as T;
}

// deno-lint-ignore no-explicit-any
function flags(opts: any) {
  return {
    batchSize: opts.batchSize as number | undefined,
    intervalMs: opts.interval as number,
    batchTimeoutMs: opts.batchTimeout as number,
    compareWindowMs: opts.metricsWindow as number | undefined,
    output: opts.output as OutputFormat,
    yes: opts.yes === true,
  };
}

function canaryCommand(ctx: CliContext) {
  return withProgressiveFlags(
    new Command("canary")
      .description(
        "switch to OnDelete, change the image (revision recorded), recreate N pods on it (never below minAvailable), then show canary against stable",
      )
      .argument("<pcs>", "PodCliqueSet name")
      .requiredOption("--image <image>", "the new image reference")
      .option("--pods <n>", "canary size: pods (or scaling-group replicas)", parsePositive, 1)
      .option("--role <role>", "only this role (roleName or clique name)")
      .option("--container <name>", "only this container")
      .option("--dry-run", "preview and validate with the server; change nothing")
      .option("-m, --message <cause>", "change cause to record")
      .addOption(
        new Option(
          "--metrics-window <duration>",
          "canary vs stable: scrape twice this far apart (default: one scrape, lifetime values)",
        ).argParser(parseDurationMs),
      ),
  )
    .addHelpText(
      "after",
      examples([
        "kubectl grove rollout canary my-llm --image vllm/vllm-openai:v0.11.0 --role prefill --pods 1",
        "kubectl grove rollout promote my-llm",
        "kubectl grove rollout abort my-llm",
      ]),
    )
    .action(async (pcs, opts) => {
      const { runStart } = await import("../run/progressive.ts");
      await runStart(ctx, pcs, {
        ...flags(opts),
        kind: "canary",
        image: opts.image as string,
        role: opts.role as string | undefined,
        container: opts.container as string | undefined,
        canaryPods: opts.pods as number,
        dryRun: opts.dryRun === true,
        changeCause: opts.message as string | undefined,
      });
    });
}

function parseGate(v: string): number {
  return parseDurationMs(v);
}

function startCommand(ctx: CliContext) {
  return withProgressiveFlags(
    new Command("start")
      .description(
        "metrics-gated rollout: replace pods batch by batch; after each batch scrape the new pods for the gate window; a failed gate stops and rolls back (exit 3)",
      )
      .argument("<pcs>", "PodCliqueSet name")
      .requiredOption("--image <image>", "the new image reference")
      .option("--role <role>", "only this role (roleName or clique name)")
      .option("--container <name>", "only this container")
      .option("--gate-ttft-p99 <duration>", "max TTFT p99 of the new pods (e.g. 500ms)", parseGate)
      .option(
        "--gate-tpot-p99 <duration>",
        "max TPOT (inter-token latency) p99 of the new pods (e.g. 20ms)",
        parseGate,
      )
      .addOption(
        new Option("--gate-window <duration>", "scrape window after each batch").argParser(
          parseDurationMs,
        )
          .default(60_000, "60s"),
      )
      .option("--no-rollback", "on a failed gate, stop without rolling back")
      .option("--dry-run", "preview and validate with the server; change nothing")
      .option("-m, --message <cause>", "change cause to record"),
  )
    .addHelpText(
      "after",
      examples([
        "kubectl grove rollout start my-llm --image vllm/vllm-openai:v0.11.0 --gate-ttft-p99=500ms --gate-tpot-p99=20ms",
        "kubectl grove rollout start my-llm --image my/engine:2 --gate-ttft-p99=800ms --gate-window 2m --batch-size 2 --no-rollback",
        "",
        "Exit codes: 0 complete, 3 a gate failed (measured vs threshold printed), 130 interrupted (resume continues).",
      ]),
    )
    .action(async (pcs, opts) => {
      const { UsageError } = await import("../../lib/errors.ts");
      if (opts.gateTtftP99 === undefined && opts.gateTpotP99 === undefined) {
        throw new UsageError(
          "rollout start needs at least one gate: --gate-ttft-p99 or --gate-tpot-p99",
          "without gates use: kubectl grove update --rack-by-rack, or rollout canary",
        );
      }
      const { runStart } = await import("../run/progressive.ts");
      await runStart(ctx, pcs, {
        ...flags(opts),
        kind: "gated",
        image: opts.image as string,
        role: opts.role as string | undefined,
        container: opts.container as string | undefined,
        gates: {
          ttftP99Ms: opts.gateTtftP99 as number | undefined,
          tpotP99Ms: opts.gateTpotP99 as number | undefined,
          windowMs: opts.gateWindow as number,
        },
        rollback: opts.rollback !== false,
        dryRun: opts.dryRun === true,
        changeCause: opts.message as string | undefined,
      });
    });
}

function stepCommand(ctx: CliContext, step: "promote" | "abort") {
  const c = new Command(step)
    .description(
      step === "promote"
        ? "finish a canary (or stopped) rollout: replace the remaining pods batch by batch, then restore the previous update strategy"
        : "roll a progressive rollout back: restore the previous template (recorded as a revision) and recreate the new pods",
    )
    .argument("<pcs>", "PodCliqueSet name");
  if (step === "promote") {
    c.option(
      "--handoff",
      "restore the previous strategy now and let the operator replace the rest",
    );
  }
  return withProgressiveFlags(c)
    .addHelpText("after", examples([`kubectl grove rollout ${step} my-llm --yes`]))
    .action(async (pcs, opts) => {
      const { runStep } = await import("../run/progressive.ts");
      await runStep(ctx, pcs, step, {
        ...flags(opts),
        handoff: (opts as { handoff?: boolean }).handoff === true,
      });
    });
}

/** Adds the progressive subcommands to `rollout`: canary, promote, abort, start. */
export function addProgressiveCommands<T>(rollout: T, ctx: CliContext): T {
  // deno-lint-ignore no-explicit-any
  const r = rollout as any;
  for (
    const c of [
      canaryCommand(ctx),
      stepCommand(ctx, "promote"),
      stepCommand(ctx, "abort"),
      startCommand(ctx),
    ]
  ) r.addCommand(c);
  return rollout;
}

/** Options `update --rack-by-rack` adds to the update command. */
export function addRackByRackOptions<T>(cmd: T): T {
  // deno-lint-ignore no-explicit-any
  const c = cmd as any;
  return c
    .option(
      "--rack-by-rack",
      "drive the update one topology domain at a time over OnDelete (minAvailable kept, placement checked)",
    )
    .option("--domain-level <level>", "topology level for --rack-by-rack (default rack)")
    .option(
      "--batch-size <n>",
      "with --rack-by-rack: pods (or scaling-group replicas) per batch",
      parsePositive,
    )
    .addOption(
      new Option(
        "--min-score <score>",
        "with --rack-by-rack: required placement score after each domain (default: its value before)",
      )
        .argParser(parseScore),
    ) as T;
}
