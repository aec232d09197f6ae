/**
 * `kubectl grove tui`: refuses without a terminal, reads the TUI settings
 * from the configuration, then runs one session ({@link runTuiSession}).
 *
 * @module
 */

import { configNumber, configString } from "../../lib/config.ts";
import { ConfigError, UsageError } from "../../lib/errors.ts";
import { parseGoDuration } from "../../lib/grove/duration.ts";
import { type ColorScheme, runTuiSession, type TuiScope } from "../../tasks/tui/mod.ts";
import type { CliContext } from "../context.ts";

/** Runs `tui` for the CLI. */
export async function runTui(ctx: CliContext): Promise<void> {
  if (!ctx.io.stdoutIsTTY || !ctx.io.stdinIsTTY) {
    throw new UsageError(
      "kubectl grove tui needs an interactive terminal, but standard " +
        (!ctx.io.stdinIsTTY ? "input" : "output") + " is not a terminal",
      "run it in a terminal; in scripts use `kubectl grove status --all --watch` or `-o json`",
    );
  }
  const scheme = (configString(ctx.config, "tui.color_scheme") ?? "auto") as ColorScheme;
  const refresh = configString(ctx.config, "tui.refresh_interval") ?? "5s";
  const refreshMs = parseGoDuration(refresh, "tui.refresh_interval");
  if (refreshMs < 1000) {
    throw new ConfigError(`tui.refresh_interval: ${refresh} is too short (at least 1s)`, {
      hint: "set tui.refresh_interval to 1s or more in the config file",
    });
  }
  const timeout = configString(ctx.config, "metrics.scrape_timeout") ?? "5s";
  const kube = await ctx.kube();
  const allNamespaces = ctx.globals.allNamespaces === true;
  const scope: TuiScope = {
    namespace: allNamespaces ? undefined : await ctx.namespace(),
    allNamespaces,
  };
  ctx.interruptIsNormal = true;
  await runTuiSession(kube, {
    scope,
    colorScheme: scheme,
    refreshMs,
    scrapeTimeoutMs: parseGoDuration(timeout, "metrics.scrape_timeout"),
    metricsPort: configNumber(ctx.config, "metrics.port"),
    env: (k) => ctx.io.env(k),
  }, { signal: ctx.abort.signal });
}
