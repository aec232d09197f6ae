/** `kubectl grove apply -f`: apply a PodCliqueSet with diff, plan comparison, precondition and revision. @module */

import { Command } from "../../lib/deps.ts";
import { examples } from "../common.ts";
import type { CliContext } from "../context.ts";

/** The `apply` command. */
export function applyCommand(ctx: CliContext) {
  return new Command("apply")
    .description(
      "apply a PodCliqueSet manifest: server dry-run, diff against the live object, plan comparison, write with a precondition, revision recorded",
    )
    .requiredOption("-f, --filename <file>", "the manifest (YAML or JSON; - for standard input)")
    .option("--diff", "show a unified diff of the spec against the live object")
    .option(
      "--compare-plan <pcs>",
      "compare GPUs and workers per role with the plan stored for <pcs>",
    )
    .option("--dry-run", "validate with the server and preview; change nothing")
    .option("-m, --message <cause>", "change cause to record with the revision")
    .option("-y, --yes", "do not ask for confirmation")
    .option(
      "--preserve-placement",
      "keep the live topology constraints; warn when GPUs per pod change",
    )
    .addHelpText(
      "after",
      examples([
        "kubectl grove apply -f qwen.yaml --diff --dry-run",
        "kubectl grove apply -f qwen.yaml --compare-plan qwen -m 'tp 4 decode'",
        "kubectl grove apply -f qwen.yaml --yes",
      ]),
    )
    .action(async (opts) => {
      const { runApply } = await import("../run/apply.ts");
      await runApply(ctx, {
        file: opts.filename,
        diff: opts.diff === true,
        comparePlan: opts.comparePlan,
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
        message: opts.message,
        preservePlacement: opts.preservePlacement === true,
      });
    });
}
