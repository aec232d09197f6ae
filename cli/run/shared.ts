/**
 * Helpers the command runners share: who makes a change, settings read
 * from the configuration, the confirmation of a write and the report of
 * its outcome. Everything here needs the {@link CliContext}; decisions live
 * in `tasks/` and `lib/`.
 *
 * @module
 */

import { configNumber, configString } from "../../lib/config.ts";
import { parseGoDuration } from "../../lib/grove/duration.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { type ChangeResult, renderUpdatePlan, type UpdatePlan } from "../../lib/change/mod.ts";
import type { CliContext } from "../context.ts";
import { GroveError } from "../../lib/errors.ts";
import { nsFlag } from "../../lib/grove/names.ts";

/** Who is making a change: `$USER@context`. */
export function creator(ctx: CliContext, kube: Kube): string {
  const user = ctx.io.env("USER") ?? ctx.io.env("USERNAME");
  return user ? `${user}@${kube.contextName}` : kube.contextName;
}

/** Revisions to keep, from the configuration. */
export function historyLimit(ctx: CliContext): number {
  return configNumber(ctx.config, "rollout.history_limit") ?? 10;
}

/** A confirmation callback that prints the preview and asks (or needs --yes). */
export function confirmPlan(
  ctx: CliContext,
  yes: boolean,
  question: string,
  previewToStderr = false,
): (plan: UpdatePlan) => Promise<boolean> {
  return async (plan) => {
    if (previewToStderr) ctx.io.stderr(renderUpdatePlan(plan, { color: false, unicode: false }));
    else ctx.write(renderUpdatePlan(plan, ctx.style));
    return await ctx.confirm(question, yes);
  };
}

/** Prints the outcome of a change. */
export function reportChange(ctx: CliContext, res: ChangeResult, what: string): void {
  const name = `podcliqueset/${res.plan.name}`;
  if (res.skipped === "no-change") {
    ctx.write(renderUpdatePlan(res.plan, ctx.style));
    return;
  }
  if (res.skipped === "dry-run") {
    ctx.write(renderUpdatePlan(res.plan, ctx.style));
    ctx.print(`${name} ${what} (dry run: validated by the server, nothing changed)`);
    return;
  }
  if (res.skipped === "declined") {
    ctx.note("cancelled; nothing was changed");
    return;
  }
  ctx.print(
    `${name} ${what}${res.revision !== undefined ? ` (revision ${res.revision})` : ""}`,
  );
  if (res.applied) {
    const ns = res.plan.namespace;
    ctx.changed(
      `${name} in namespace ${ns} ${what}${
        res.revision !== undefined ? ` (revision ${res.revision})` : ""
      }${
        res.plan.totalRecreated > 0 && !res.plan.paused
          ? `; the rollout goes on (follow it: kubectl grove rollout status ${res.plan.name} -n ${ns})`
          : ""
      }`,
    );
  }
  if (res.recordError) {
    ctx.warn(
      `the change was applied, but its revision could not be recorded: ${res.recordError}; rollout history shows it as an unrecorded change (it is recorded on the next change)`,
    );
  }
  if (res.plan.totalRecreated > 0 && !res.plan.paused) {
    ctx.note(
      `follow it with: kubectl grove rollout status ${res.plan.name}${nsFlag(res.plan.namespace)}`,
    );
  }
}

/** Writes a file `generate` or `replan` produces; a failure names the path and `--out-dir`. */
export async function writeOutputFile(path: string, text: string): Promise<void> {
  try {
    await Deno.writeTextFile(path, text);
  } catch (e) {
    throw new GroveError(`cannot write ${path}: ${(e as Error).message}`, {
      hint: "choose a writable directory with --out-dir",
    });
  }
}

/** Scrape settings from the config file. */
export function scrapeSettings(ctx: CliContext): { timeoutMs: number; fallbackPort?: number } {
  const t = configString(ctx.config, "metrics.scrape_timeout") ?? "5s";
  return {
    timeoutMs: parseGoDuration(t, "metrics.scrape_timeout"),
    fallbackPort: configNumber(ctx.config, "metrics.port"),
  };
}
