/**
 * What a command's action gets: global options, configuration, output
 * streams, terminal style, a lazily connected Kubernetes client, prompts and
 * Ctrl-C. Tests build one with captured streams and run `main()` in process.
 *
 * @module
 */

import { type GroveConfig, loadConfig } from "../lib/config.ts";
import { UsageError } from "../lib/errors.ts";
import type { Kube } from "../lib/kube/types.ts";
import { detectStyle, type Style } from "../lib/render/style.ts";

/** Global flags, parsed by the plugin itself (kubectl passes them through). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  /** Every `--context` given, in order (several: a fleet read). */
  contexts?: string[];
  /** `--all-contexts`. */
  allContexts?: boolean;
  /** `--cluster-timeout`: per-cluster timeout of a fleet read. */
  clusterTimeout?: string;
  namespace?: string;
  allNamespaces?: boolean;
  requestTimeout?: string;
  verbose?: boolean;
  /** Serve a diag bundle with the simulated cluster and run the command against it. */
  replay?: string;
}

/** The process edges a command may touch: streams, environment, TTY facts. */
export interface CliIO {
  /** Writes to standard output (no newline added). */
  stdout(text: string): void;
  /** Writes to standard error (no newline added). */
  stderr(text: string): void;
  /** Standard output is a terminal. */
  stdoutIsTTY: boolean;
  /** Standard input is a terminal (prompts are possible). */
  stdinIsTTY: boolean;
  /** Reads one line from standard input (for confirmations), null at end of input. */
  readLine(): Promise<string | null>;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Terminal width, when stdout is a terminal. */
  columns?: number;
}

/** The real process streams. */
export function processIO(): CliIO {
  const enc = new TextEncoder();
  let columns: number | undefined;
  try {
    columns = Deno.stdout.isTerminal() ? Deno.consoleSize().columns : undefined;
  } catch {
    columns = undefined;
  }
  return {
    stdout: (t) => writeAll(Deno.stdout, enc.encode(t)),
    stderr: (t) => writeAll(Deno.stderr, enc.encode(t)),
    stdoutIsTTY: Deno.stdout.isTerminal(),
    stdinIsTTY: Deno.stdin.isTerminal(),
    readLine: readStdinLine,
    env: (k) => {
      try {
        return Deno.env.get(k);
      } catch {
        return undefined;
      }
    },
    columns,
  };
}

const closedPipes = new WeakSet<object>();

/**
 * Writes everything; once the reader has gone (`... | head`), later output is dropped quietly,
 * as a shell pipeline expects, instead of failing the command with a broken pipe.
 */
function writeAll(w: { writeSync(p: Uint8Array): number }, data: Uint8Array) {
  if (closedPipes.has(w)) return;
  let off = 0;
  try {
    while (off < data.length) off += w.writeSync(data.subarray(off));
  } catch (e) {
    if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
    closedPipes.add(w);
  }
}

async function readStdinLine(): Promise<string | null> {
  const buf = new Uint8Array(1);
  const bytes: number[] = [];
  while (true) {
    const n = await Deno.stdin.read(buf);
    if (n === null) return bytes.length ? new TextDecoder().decode(new Uint8Array(bytes)) : null;
    if (buf[0] === 10) return new TextDecoder().decode(new Uint8Array(bytes)).replace(/\r$/, "");
    bytes.push(buf[0]);
  }
}

/** Per-invocation state shared by all commands. */
export class CliContext {
  /** Process edges. */
  readonly io: CliIO;
  /** Global flags, filled in by main before the action runs. */
  globals: GlobalOptions = {};
  /** Exit code the command asks for (0 unless it sets one). */
  exitCode = 0;
  /** Ctrl-C is the normal way to end this command (`--watch`): exit with `exitCode`, not 130. */
  interruptIsNormal = false;
  /** Aborted on Ctrl-C; long commands stop cleanly when it fires. */
  readonly abort = new AbortController();
  /**
   * Set by commands that change the cluster in one write (update, scale, undo, apply), before
   * they connect: Ctrl-C then also cuts off reads in flight, and the interruption says exactly
   * what was written ({@link changed}), or that nothing was.
   */
  tracksChanges = false;
  /** What this command has written so far, in words ("podcliqueset x updated to revision 5"). */
  readonly changes: string[] = [];
  #config?: GroveConfig;
  #kube?: Promise<Kube>;
  #cleanups: (() => Promise<void> | void)[] = [];

  /** Builds a context over the given streams. */
  constructor(io: CliIO) {
    this.io = io;
  }

  /** The configuration file and environment settings (loaded on first use). */
  get config(): GroveConfig {
    this.#config ??= loadConfig((k) => this.io.env(k));
    return this.#config;
  }

  /** Style for standard output. */
  get style(): Style {
    return detectStyle(this.io.stdoutIsTTY, (k) => this.io.env(k), this.io.columns);
  }

  /** Notes a change written to the cluster, for the interruption message. */
  changed(what: string): void {
    this.changes.push(what);
  }

  /** What to say when Ctrl-C ended the command (exit 130). */
  interruptionMessage(): string {
    if (!this.tracksChanges) {
      return "interrupted (Ctrl-C): stopped cleanly; what was done is reported above";
    }
    if (!this.changes.length) {
      return "interrupted (Ctrl-C) before anything was written: nothing changed";
    }
    return `interrupted (Ctrl-C) after the change was written: ${this.changes.join("; ")}`;
  }

  /** Writes a line (newline added) to standard output. */
  print(text = ""): void {
    this.io.stdout(text.endsWith("\n") ? text : text + "\n");
  }

  /** Writes text to standard output as is. */
  write(text: string): void {
    this.io.stdout(text);
  }

  /** Writes a line to standard error: progress, notes, warnings. */
  note(text: string): void {
    this.io.stderr(text.endsWith("\n") ? text : text + "\n");
  }

  /** Writes a warning line to standard error. */
  warn(text: string): void {
    this.note(`warning: ${text}`);
  }

  /** Registers work to run when the command ends (servers to stop, files to close). */
  onCleanup(fn: () => Promise<void> | void): void {
    this.#cleanups.push(fn);
  }

  /** Runs the registered clean-ups, newest first. */
  async cleanup(): Promise<void> {
    for (const fn of this.#cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // clean-up failures must not hide the command's own result
      }
    }
    this.#cleanups = [];
  }

  /**
   * The namespace to act in: `-n` > `KUBECTL_GROVE_NAMESPACE` or config
   * `defaults.namespace` > the kubeconfig context's namespace > `default`.
   * Connects to read the context when neither flag nor config names one.
   */
  async namespace(): Promise<string> {
    if (this.globals.namespace) return this.globals.namespace;
    return (await this.kube()).namespace;
  }

  /** The Kubernetes client, connected once per invocation. */
  kube(): Promise<Kube> {
    this.#kube ??= this.#connect();
    return this.#kube;
  }

  async #connect(): Promise<Kube> {
    const g = this.globals;
    if (g.allContexts || (g.contexts?.length ?? 0) > 1) {
      throw new UsageError(
        `this command acts on one cluster; got ${
          g.allContexts ? "--all-contexts" : `--context ${g.contexts!.join(", --context ")}`
        }`,
        "several clusters are read by: status --all, health --all, topology --cluster, recommend; give one --context here",
      );
    }
    let kubeconfig = g.kubeconfig;
    if (g.replay) {
      const { startSimCluster } = await import("../lib/sim/server.ts");
      const { openBundle } = await import("../tasks/diag/open.ts");
      const bundle = await openBundle(g.replay);
      this.onCleanup(() => bundle.cleanup());
      const sim = await startSimCluster({ scenario: bundle.scenario });
      this.onCleanup(() => sim.stop());
      kubeconfig = sim.kubeconfigPath;
    }
    const { connect } = await import("../lib/kube/connect.ts");
    const configured = this.config.values["defaults.namespace"];
    return await connect({
      kubeconfig,
      context: g.replay ? undefined : g.context,
      namespace: g.namespace ?? (configured === undefined ? undefined : String(configured)),
      requestTimeout: g.requestTimeout,
      verbose: g.verbose,
      env: Object.fromEntries(
        ["KUBECONFIG", "HOME", "USERPROFILE", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"]
          .map((k) => [k, this.io.env(k)]),
      ),
      stderr: (line: string) => this.note(line),
      // one-write commands (tracksChanges) stop at once on Ctrl-C, reads included; long-running
      // ones (restart, progressive rollouts, watches) finish their read and stop between steps
      signal: this.tracksChanges ? this.abort.signal : undefined,
    });
  }

  /**
   * Asks `question [y/N]` on a terminal. Without a terminal the user must
   * have passed `--yes` (then `assumeYes` is true); otherwise it is a usage error.
   */
  async confirm(question: string, assumeYes: boolean): Promise<boolean> {
    if (assumeYes) return true;
    if (!this.io.stdinIsTTY) {
      throw new UsageError(
        "refusing to change the cluster without confirmation: standard input is not a terminal",
        "pass --yes to confirm, or --dry-run to preview",
      );
    }
    this.io.stderr(`${question} [y/N] `);
    const answer = (await this.io.readLine())?.trim().toLowerCase();
    return answer === "y" || answer === "yes";
  }
}
