/** `kubectl grove dashboard`: a live web dashboard served by this process. @module */

import { Command, InvalidArgumentError, Option } from "../../lib/deps.ts";
import { examples } from "../common.ts";
import type { CliContext } from "../context.ts";

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) {
    throw new InvalidArgumentError("must be a port number from 0 to 65535 (0 picks a free one)");
  }
  return n;
}

function parseAddress(v: string): string {
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  const ok = v === "localhost" ||
    (ipv4 !== null && ipv4.slice(1).every((x) => Number(x) <= 255)) ||
    (/^[0-9a-fA-F:]+$/.test(v) && v.includes(":"));
  if (!ok) {
    throw new InvalidArgumentError(
      "must be an IP address of this machine (127.0.0.1, ::1, 0.0.0.0 for every interface) or localhost",
    );
  }
  return v;
}

/** The `dashboard` command. */
export function dashboardCommand(ctx: CliContext) {
  return new Command("dashboard")
    .description(
      "a live web dashboard: overview, set detail with logs, GPU topology, metrics, rollouts with actions, plan vs actual",
    )
    .option(
      "--address <ip>",
      "address to listen on (loopback unless you say otherwise)",
      parseAddress,
      "127.0.0.1",
    )
    .addOption(
      new Option("--port <port>", "port to listen on (0 picks a free one)").argParser(parsePort)
        .default(3300),
    )
    .option("--open", "open the dashboard in the default browser")
    .option("--read-only", "hide and refuse actions (pause, resume, undo, restart, promote, abort)")
    .addHelpText(
      "after",
      examples([
        "kubectl grove dashboard -n inference",
        "kubectl grove dashboard -A --read-only",
        "kubectl grove dashboard --port 0 --open",
        "",
        "Prints a URL with a random session token; requests without it get 401.",
        "Uses your kubeconfig: the dashboard sees and may change exactly what you may.",
        "Stop with Ctrl-C.",
      ]),
    )
    .action(async (opts) => {
      const { runDashboard } = await import("../run/dashboard.ts");
      await runDashboard(ctx, {
        address: opts.address,
        port: opts.port,
        open: opts.open === true,
        readOnly: opts.readOnly === true,
      });
    });
}
