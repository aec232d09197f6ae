/**
 * The kubectl-grove command line: parses argv, runs one command, maps errors
 * to exit codes. The only place that exits the process.
 *
 * ```
 * deno run -A cli/main.ts status my-pcs -n inference
 * ```
 *
 * @module
 */

import {
  Command,
  CommanderError,
  type CommandUnknownOpts,
  InvalidArgumentError,
} from "../lib/deps.ts";
import { ExitCode, GroveError } from "../lib/errors.ts";
import { VERSION } from "../lib/version.ts";
import { parseDurationMs } from "./common.ts";
import { CliContext, type CliIO, type GlobalOptions, processIO } from "./context.ts";
import { completionCommand } from "./commands/completion.ts";
import { diagCommand } from "./commands/diag.ts";
import { metricsCommand } from "./commands/metrics.ts";
import { compareCommand } from "./commands/compare.ts";
import { generateCommand } from "./commands/generate.ts";
import { replanCommand } from "./commands/replan.ts";
import { planCommand } from "./commands/plan.ts";
import { versionCommand } from "./commands/version.ts";
import { statusCommand } from "./commands/status.ts";
import { topologyCommand } from "./commands/topology.ts";
import { healthCommand } from "./commands/health.ts";
import { rolloutCommand } from "./commands/rollout.ts";
import { updateCommand } from "./commands/update.ts";
import { restartCommand } from "./commands/restart.ts";
import { scaleCommand } from "./commands/scale.ts";
import { applyCommand } from "./commands/apply.ts";
import { tuiCommand } from "./commands/tui.ts";
import { recommendCommand } from "./commands/recommend.ts";
import { dashboardCommand } from "./commands/dashboard.ts";

/** Every command, in the order `--help` lists them. */
const COMMANDS: ((ctx: CliContext) => CommandUnknownOpts)[] = [
  statusCommand,
  topologyCommand,
  healthCommand,
  recommendCommand,
  rolloutCommand,
  updateCommand,
  restartCommand,
  scaleCommand,
  applyCommand,
  tuiCommand,
  dashboardCommand,
  completionCommand,
  diagCommand,
  metricsCommand,
  compareCommand,
  generateCommand,
  replanCommand,
  planCommand,
  versionCommand,
];

const ROOT_HELP = `
Global flags may come before or after the command. Exit codes: 0 ok, 1 error,
2 usage, 3 check failed (health, recommend, compare, plan diff, rollout status),
4 timeout, 5 partial result, 130 interrupted.

Examples:
  kubectl grove status my-llm -n inference
  kubectl grove health --all -A
  kubectl grove topology my-llm
  kubectl grove recommend -A
  kubectl grove --context prod status --all -o json
  kubectl grove --context east --context west health --all -A
  kubectl grove --all-contexts recommend -A
`;

/** Builds the command tree for one invocation. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command()
    .name("kubectl grove")
    .usage("[global flags] <command> [flags]")
    .description(
      "Operate NVIDIA Grove inference workloads: status, placement, health, metrics, rollouts, scaling, diagnostics.",
    )
    .version(VERSION, "--version", "print the version number")
    .option(
      "--kubeconfig <path>",
      "path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)",
    )
    .option(
      "--context <name>",
      "kubeconfig context to use; repeat it to read several clusters (status --all, health --all, topology --cluster, recommend)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option(
      "--all-contexts",
      "read every context of the kubeconfig (status --all, health --all, topology --cluster, recommend)",
    )
    .option(
      "--cluster-timeout <duration>",
      "with several contexts: give up on a cluster after this long, e.g. 10s (default 30s)",
      (v) => {
        parseDurationMs(v);
        return v;
      },
    )
    .option("-n, --namespace <namespace>", "namespace (default: config, then the context's)")
    .option("-A, --all-namespaces", "act on all namespaces")
    .option(
      "--request-timeout <duration>",
      "timeout of each API request, e.g. 10s, 1m (0: none)",
      (v) => {
        if (v !== "0") parseDurationMs(v);
        return v;
      },
    )
    .option("-v, --verbose", "log API requests and show stack traces of errors on stderr")
    .option("--replay <bundle>", "serve a diag bundle locally and run the command against it")
    .addHelpText("after", ROOT_HELP)
    .showSuggestionAfterError(true);
  for (const make of COMMANDS) program.addCommand(make(ctx));
  configureTree(program, ctx);
  program.hook("preAction", () => {
    const o = program.opts() as Omit<GlobalOptions, "context" | "contexts"> & {
      context?: string[];
    };
    const contexts = o.context ?? [];
    ctx.globals = {
      ...o,
      context: contexts.length === 1 ? contexts[0] : undefined,
      contexts,
    };
  });
  return program;
}

function configureTree(cmd: CommandUnknownOpts, ctx: CliContext): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => ctx.io.stdout(s),
    writeErr: (s) => ctx.io.stderr(s),
    outputError: (s, write) => write(s),
  });
  cmd.showHelpAfterError("(run with --help for usage)");
  for (const sub of cmd.commands) configureTree(sub, ctx);
}

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit
 * code. Never exits the process itself, so tests call it in process.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const ctx = new CliContext(io);
  const program = buildProgram(ctx);
  if (argv[0] === "__complete") return await runCompletion(argv.slice(1), ctx, program);
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return ExitCode.USAGE;
  }
  const onSigint = () => ctx.abort.abort();
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
    listening = true;
  } catch {
    // signals are unavailable (e.g. without permission); Ctrl-C then ends the process
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    if (ctx.abort.signal.aborted && !ctx.interruptIsNormal) {
      io.stderr(`${ctx.interruptionMessage()}\n`);
      return ExitCode.INTERRUPTED;
    }
    return ctx.exitCode;
  } catch (e) {
    // after Ctrl-C, whatever a cut-off request threw is the interruption itself
    if (ctx.abort.signal.aborted && !ctx.interruptIsNormal && !(e instanceof CommanderError)) {
      io.stderr(`${ctx.interruptionMessage()}\n`);
      if (ctx.globals.verbose && e instanceof Error && e.stack) io.stderr(e.stack + "\n");
      return ExitCode.INTERRUPTED;
    }
    return reportError(e, ctx);
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
    await ctx.cleanup();
  }
}

/**
 * `kubectl-grove __complete <words...> <word to complete>`: Cobra's wire
 * format, used by our shell scripts and by kubectl through `kubectl_complete-grove`.
 */
async function runCompletion(words: string[], ctx: CliContext, program: Command): Promise<number> {
  const { complete, formatCompletion } = await import("./complete.ts");
  const { clusterSources } = await import("./complete_sources.ts");
  const typed = words.slice(0, -1);
  const toComplete = words[words.length - 1] ?? "";
  try {
    const c = await complete(program, typed, toComplete, clusterSources(ctx, typed));
    ctx.io.stdout(formatCompletion(c));
  } catch {
    ctx.io.stdout(":1\n");
  } finally {
    await ctx.cleanup();
  }
  return ExitCode.OK;
}

/** Prints an error the kubectl way and returns its exit code. */
export function reportError(e: unknown, ctx: CliContext): number {
  const verbose = ctx.globals.verbose || ctx.io.env("KUBECTL_GROVE_DEBUG") === "1";
  if (e instanceof CommanderError) {
    if (
      e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0
    ) {
      return ExitCode.OK;
    }
    if (e.code === "commander.help") return ExitCode.OK;
    return ExitCode.USAGE;
  }
  if (e instanceof InvalidArgumentError) {
    ctx.io.stderr(`error: ${e.message}\n`);
    return ExitCode.USAGE;
  }
  if (e instanceof GroveError) {
    ctx.io.stderr(`error: ${e.message}\n`);
    if (e.hint) ctx.io.stderr(`hint: ${e.hint}\n`);
    if (verbose && e.stack) ctx.io.stderr(e.stack + "\n");
    return e.exitCode;
  }
  if (e instanceof Deno.errors.Interrupted || ctx.abort.signal.aborted) {
    ctx.io.stderr("interrupted\n");
    return ExitCode.INTERRUPTED;
  }
  if (e instanceof Deno.errors.NotCapable) {
    ctx.io.stderr(`error: missing permission: ${(e as Error).message}\n`);
    ctx.io.stderr("hint: run with deno run -A, or use the kubectl-grove executable\n");
    return ExitCode.ERROR;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  ctx.io.stderr(`error: internal error: ${err.message}\n`);
  if (verbose) ctx.io.stderr((err.stack ?? "") + "\n");
  else {ctx.io.stderr(
      "hint: this is a bug in kubectl-grove; run again with -v and report the output\n",
    );}
  return ExitCode.ERROR;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
