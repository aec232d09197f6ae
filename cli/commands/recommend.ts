/** `kubectl grove recommend`: what to fix first, one ranked list over every set in scope. @module */

import { Command, InvalidArgumentError, Option } from "../../lib/deps.ts";
import { examples, outputOption } from "../common.ts";
import type { CliContext } from "../context.ts";

function parseScore(v: string): number {
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v.trim()) || !(n >= 0 && n <= 1)) {
    throw new InvalidArgumentError(`expected a score between 0 and 1, got "${v}"`);
  }
  return n;
}

/** The ranking rules, as `--help` and the README explain them. */
export const RECOMMEND_RULES = `
Rules (each finding: severity, evidence, commands to run as printed):
  termination       a gang has MinAvailableBreached: countdown to its termination, the
                    pods that would stop it, and a patch that extends terminationDelay.
                    critical when 1h or less is left (or the deadline passed), else warning.
  crash-loop        a container in CrashLoopBackOff: restarts, last exit, and the last
                    error line of the previous container's log (the last line that looks
                    like an exception "Xxx(Error|Exception): ...", else the last line
                    with ERROR/FATAL/panic/failed, else the last line). One log read per
                    crash-looping container, four at a time. critical when its clique
                    is below minAvailable, else warning.
  pending-gang      a gang is Pending or has unscheduled pods: the scheduler's message,
                    what does not fit (largest free block), cordoned nodes that would fit.
  sla-breach        a set with a stored plan (kubectl grove plan store): measured (one
                    scrape) against the plan per role, as kubectl grove compare does.
                    critical on a breach, warning when close.
  rollout-stalled   an update Failed (critical) or made no progress for 10m (warning).
  unavailable-gpus  a cordoned or NotReady node with free GPUs (warning when a waiting
                    pod would fit there, else info).
  low-placement     a gang's pods span domains its pack constraint asks to share, or its
                    placement score is below --low-score: the domain that could host it
                    and the pods to move (warning; info for a preferred-only spread with
                    a good score).
  fragmentation     no schedulable node can host the largest pod shape in use: the
                    cheapest move (fewest GPUs, then fewest pods) that frees such a
                    block, which pods, from which node, to where.
  rollout-paused    a rollout paused by kubectl grove (warning after 1h, else info).

Ranking: severity (critical, warning, info), then the rule order above, then the
time left (soonest deadline first), then context, namespace and object.
Safety: a command that would take a clique below minAvailable (deleting Ready pods
of a clique at its minimum) is never recommended; the finding says it was withheld
and why. Preview any write with --dry-run=server (kubectl) or --dry-run (grove).

Exit codes: 0 no critical finding; 3 a critical finding exists; 5 with several
contexts, one could not be read (the others' findings are printed); 1 error; 2 usage.
`;

/** The `recommend` command. */
export function recommendCommand(ctx: CliContext) {
  return new Command("recommend")
    .description(
      "what to fix first: one ranked list of findings over every PodCliqueSet in scope (terminations, crash loops, pending gangs, SLA breaches, rollouts, placement, fragmentation), each with evidence and the commands to run",
    )
    .argument(
      "[podcliqueset]",
      "only this PodCliqueSet (default: every one in the namespace; -A for all)",
    )
    .addOption(
      new Option("--low-score <score>", "flag gangs whose placement score is below this")
        .argParser(parseScore)
        .default(0.7),
    )
    .addOption(outputOption(["table", "json", "yaml"]))
    .addOption(new Option("--no-headers", "do not print table headers"))
    .addHelpText(
      "after",
      examples([
        "kubectl grove recommend -A",
        "kubectl grove recommend my-llm -n inference",
        "kubectl grove recommend -A -o json | jq '.findings[] | select(.severity==\"critical\")'",
        "kubectl grove --all-contexts recommend -A      # every cluster, one ranking, CONTEXT column",
        "kubectl grove --context east --context west recommend -A --cluster-timeout 10s",
      ]) + RECOMMEND_RULES,
    )
    .action(async (name: string | undefined, opts) => {
      const { runRecommend } = await import("../run/recommend.ts");
      await runRecommend(ctx, name, {
        output: opts.output as "table" | "json" | "yaml",
        lowScore: opts.lowScore as number,
        noHeaders: opts.headers === false,
      });
    });
}
