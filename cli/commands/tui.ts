/** `kubectl grove tui`: a live terminal UI over hierarchy, topology, health, metrics and rollouts. @module */

import { Command } from "../../lib/deps.ts";
import { examples } from "../common.ts";
import type { CliContext } from "../context.ts";

/** The `tui` command. */
export function tuiCommand(ctx: CliContext) {
  return new Command("tui")
    .description(
      "a live terminal UI: hierarchy (sets, gangs, cliques, pods), topology, health with termination countdowns, metrics and rollouts, updated by watches",
    )
    .addHelpText(
      "after",
      examples([
        "kubectl grove tui -n inference",
        "kubectl grove tui -A",
        "kubectl grove --context prod tui",
        "",
        "Keys: 1-5 views, j/k or arrows move, Enter expands, / filters by name,",
        "l logs of the selected pod, y its YAML, ? help, q quit.",
        "Config: tui.refresh_interval (metrics refresh, default 5s), tui.color_scheme",
        "(auto, dark, light, none); NO_COLOR turns colours off.",
        "Needs a terminal: exits with code 2 when standard input or output is not one.",
        "With -v, request logs go to stderr: send them elsewhere (2>tui.log).",
      ]),
    )
    .action(async () => {
      const { runTui } = await import("../run/tui.ts");
      await runTui(ctx);
    });
}
