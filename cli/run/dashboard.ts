/**
 * CLI glue of `kubectl grove dashboard`: scope and settings from the
 * context, the server started, the URL printed, then serving until Ctrl-C
 * or SIGTERM.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { configNumber, configString } from "../../lib/config.ts";
import { parseGoDuration } from "../../lib/grove/duration.ts";
import { isLoopback, startDashboard } from "../../tasks/dashboard/server.ts";

/** Flags of `dashboard`. */
export interface DashboardFlags {
  /** `--address`. */
  address: string;
  /** `--port`. */
  port: number;
  /** `--open`. */
  open: boolean;
  /** `--read-only`. */
  readOnly: boolean;
}

/** Runs `kubectl grove dashboard`. */
export async function runDashboard(ctx: CliContext, f: DashboardFlags): Promise<void> {
  const kube = await ctx.kube();
  const allNamespaces = ctx.globals.allNamespaces === true;
  const scope = {
    namespace: allNamespaces ? undefined : await ctx.namespace(),
    allNamespaces,
  };
  const timeout = configString(ctx.config, "metrics.scrape_timeout") ?? "5s";
  const scrape = {
    timeoutMs: parseGoDuration(timeout, "metrics.scrape_timeout"),
    fallbackPort: configNumber(ctx.config, "metrics.port"),
  };
  const user = ctx.io.env("USER") ?? ctx.io.env("USERNAME");
  if (!isLoopback(f.address)) {
    ctx.warn(
      `listening on ${f.address}: anyone who can reach this address and has the URL (with its token) acts with your kubeconfig's rights; traffic is plain HTTP`,
    );
  }
  const d = await startDashboard(kube, {
    scope,
    address: f.address,
    port: f.port,
    readOnly: f.readOnly,
    scrape,
    actions: {
      createdBy: user ? `${user}@${kube.contextName}` : kube.contextName,
      historyLimit: configNumber(ctx.config, "rollout.history_limit") ?? 10,
      scrape,
    },
  });
  ctx.interruptIsNormal = true;
  ctx.print(`kubectl grove dashboard: ${d.url}`);
  ctx.note(
    `context ${kube.contextName}, ${
      allNamespaces ? "all namespaces" : `namespace ${scope.namespace}`
    }${f.readOnly ? ", read-only" : ""}; Ctrl-C to stop`,
  );
  if (f.open) openBrowser(ctx, d.url);
  const onTerm = () => ctx.abort.abort();
  try {
    Deno.addSignalListener("SIGTERM", onTerm);
  } catch {
    // not supported here
  }
  try {
    if (!ctx.abort.signal.aborted) {
      await new Promise<void>((resolve) =>
        ctx.abort.signal.addEventListener("abort", () => resolve(), { once: true })
      );
    }
  } finally {
    try {
      Deno.removeSignalListener("SIGTERM", onTerm);
    } catch {
      // not registered
    }
    await d.close();
  }
}

function openBrowser(ctx: CliContext, url: string): void {
  const cmd = Deno.build.os === "darwin"
    ? ["open", url]
    : Deno.build.os === "windows"
    ? ["cmd", "/c", "start", "", url]
    : ["xdg-open", url];
  try {
    const child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.status.then((s) => {
      if (!s.success) ctx.warn(`could not open a browser (${cmd[0]} failed); open the URL above`);
    }).catch(() => {});
  } catch {
    ctx.warn(`could not open a browser (${cmd[0]} not found); open the URL above`);
  }
}
