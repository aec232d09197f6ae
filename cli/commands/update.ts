/** `kubectl grove update`: change the image of a PodCliqueSet's containers, with preview and revision. @module */

import { Command, Option } from "../../lib/deps.ts";
import type { OutputFormat } from "../../lib/render/output.ts";
import { examples, outputOption, parseDurationMs, parseImage, parsePcsName } from "../common.ts";
import type { CliContext } from "../context.ts";
import { addRackByRackOptions } from "./rollout_progressive.ts";

/** The `update` command. */
export function updateCommand(ctx: CliContext) {
  return addRackByRackOptions(
    new Command("update")
      .description(
        "change the image of a PodCliqueSet's containers: preview (fields, affected pods, duration), server dry-run, confirmation, write with a precondition, revision recorded",
      )
      .argument("<pcs>", "PodCliqueSet name", parsePcsName),
  )
    .requiredOption("--image <image>", "the new image reference", parseImage)
    .option("--role <role>", "only cliques of this role (roleName or clique name)")
    .option(
      "--container <name>",
      "only this container (default: the one running the same repository)",
    )
    .option("--dry-run", "preview and validate with the server; change nothing")
    .option("-m, --message <cause>", "change cause to record with the revision")
    .option("-y, --yes", "do not ask for confirmation")
    .option(
      "--force",
      "update although a clique of 1 pod with minAvailable 1 goes below it (its gang's termination clock starts)",
    )
    .option(
      "--preserve-placement",
      "keep topology constraints as they are; warn when GPUs per pod change",
    )
    .option(
      "--wait-for-approval",
      "apply the change paused and wait for: kubectl grove rollout resume",
    )
    .addOption(
      new Option("--timeout <duration>", "how long to wait for approval and the rollout").argParser(
        parseDurationMs,
      )
        .default(3_600_000, "1h"),
    )
    .addOption(
      new Option("--interval <duration>", "time between polls while waiting").argParser(
        parseDurationMs,
      )
        .default(2000, "2s"),
    )
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove update my-llm --image vllm/vllm-openai:v0.11.0 --dry-run",
        "kubectl grove update my-llm --image vllm/vllm-openai:v0.11.0 --dry-run -o json | jq .plan.affected",
        "kubectl grove update my-llm --image vllm/vllm-openai:v0.11.0 --role decode -m 'vllm 0.11'",
        "kubectl grove update my-llm --image my/engine:2 --container engine --yes",
        "kubectl grove update my-llm --image vllm/vllm-openai:v0.11.0 --wait-for-approval",
      ]),
    )
    .action(async (pcs, opts) => {
      const rack = opts as {
        rackByRack?: boolean;
        domainLevel?: string;
        batchSize?: number;
        minScore?: number;
        batchTimeout?: number;
      };
      if (rack.rackByRack) {
        const { runStart } = await import("../run/progressive.ts");
        return await runStart(ctx, pcs, {
          kind: "rack-by-rack",
          image: opts.image,
          role: opts.role,
          container: opts.container,
          dryRun: opts.dryRun === true,
          changeCause: opts.message,
          domainLevel: rack.domainLevel,
          minScore: rack.minScore,
          batchSize: rack.batchSize,
          intervalMs: opts.interval,
          batchTimeoutMs: rack.batchTimeout ?? 600_000,
          output: opts.output as OutputFormat,
          yes: opts.yes === true,
        });
      }
      const { runUpdate } = await import("../run/update.ts");
      await runUpdate(ctx, pcs, {
        image: opts.image,
        role: opts.role,
        container: opts.container,
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
        message: opts.message,
        preservePlacement: opts.preservePlacement === true,
        waitForApproval: opts.waitForApproval === true,
        force: opts.force === true,
        timeoutMs: opts.timeout,
        intervalMs: opts.interval,
        output: opts.output as OutputFormat,
      });
    });
}
