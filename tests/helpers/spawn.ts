/**
 * Runs Deno programs of this repository (the CLI, scripts) as child processes, for tests.
 *
 * Every test that starts `cli/main.ts` or a script as a process goes through here, so that:
 * - the child uses the same module cache as the test runner (`DENO_DIR`) with `--cached-only`:
 *   it never touches the network, and a missing cache entry fails at once with Deno's own
 *   message instead of a download (or a TLS error) 30 s later;
 * - the child's environment is cleared, then given a `HOME` and `XDG_CONFIG_HOME` inside a
 *   temporary directory of this test process (removed at exit), so it neither reads the
 *   user's real config nor writes outside temp dirs;
 * - a failure message carries the child's exit code and stderr ({@link describeRun}).
 *
 * @module
 */

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** Absolute path of the repository's `cli/main.ts`. */
export const CLI_MAIN = `${ROOT}cli/main.ts`;
/** Absolute path of the repository root (with a trailing slash). */
export const REPO_ROOT = ROOT;

let cachedDenoDir: string | undefined;

/**
 * The module cache the test runner itself uses: `DENO_DIR` when set, else what `deno info`
 * reports (it follows `XDG_CACHE_HOME` and `HOME` the same way the runner did).
 */
export function denoDir(): string {
  if (cachedDenoDir) return cachedDenoDir;
  const set = Deno.env.get("DENO_DIR");
  if (set) return (cachedDenoDir = set);
  const out = new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!out.success) {
    throw new Error(`deno info --json failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir: string };
  return (cachedDenoDir = info.denoDir);
}

let tempHome: string | undefined;

/** A temporary home directory of this test process, removed when the process exits. */
export function testHome(): string {
  if (tempHome) return tempHome;
  tempHome = Deno.makeTempDirSync({ prefix: "grove-test-home-" });
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(tempHome!, { recursive: true });
    } catch { /* already gone */ }
  });
  return tempHome;
}

/** Options of {@link denoCommand}, {@link runCliProcess} and {@link spawnCli}. */
export interface SpawnOptions {
  /** Variables for the child, on top of the minimal environment (HOME, PATH, DENO_DIR, NO_COLOR). */
  env?: Record<string, string>;
  /** Working directory; the repository root by default. */
  cwd?: string;
  /** Standard input; "null" by default. */
  stdin?: "null" | "piped";
  /** Permission flags for `deno run`; `-A` by default. */
  permissions?: string[];
  /** Load modules from the cache only (the default); false for a test that serves modules over HTTP. */
  cachedOnly?: boolean;
}

/** The minimal environment a child gets: nothing of the caller's besides PATH and the cache. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = testHome();
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    DENO_DIR: denoDir(),
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    // the same temp dir as the runner (a test may grant the child access to it)
    ...(Deno.env.get("TMPDIR") ? { TMPDIR: Deno.env.get("TMPDIR")! } : {}),
    ...extra,
  };
}

/**
 * The environment for a child that loads modules by URL from a test's own server: a private
 * module cache in `dir` (modules served from a throw-away port stay out of the user's cache)
 * that shares only the npm packages of the runner's cache, so nothing is downloaded.
 */
export async function urlRunEnv(
  dir: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const privateDir = `${dir}/.deno`;
  await Deno.mkdir(privateDir, { recursive: true });
  await Deno.symlink(`${denoDir()}/npm`, `${privateDir}/npm`).catch((e) => {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  });
  return childEnv({ HOME: dir, XDG_CONFIG_HOME: `${dir}/.config`, DENO_DIR: privateDir, ...extra });
}

/** `deno run <permissions> --cached-only --quiet <script> <args>` with a cleared environment. */
export function denoCommand(
  script: string,
  args: string[],
  opts: SpawnOptions & { stdout?: "piped" | "null"; stderr?: "piped" | "null" } = {},
): Deno.Command {
  const flags = [...(opts.permissions ?? ["-A"]), "--quiet"];
  if (opts.cachedOnly !== false) flags.push("--cached-only");
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, script, ...args],
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env),
    clearEnv: true,
    stdin: opts.stdin ?? "null",
    stdout: opts.stdout ?? "piped",
    stderr: opts.stderr ?? "piped",
  });
}

/** What a finished child printed and returned. */
export interface ProcessResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  /** The command line, for messages. */
  argv: string[];
}

/** A one-paragraph description of a run for an assertion message: command, exit code, stderr. */
export function describeRun(r: ProcessResult): string {
  const err = r.stderr.trim() || "(empty)";
  const out = r.stdout.trim();
  return `\`${r.argv.join(" ")}\` exited ${r.code}${r.signal ? ` (${r.signal})` : ""}` +
    `\n--- stderr ---\n${err.slice(-4000)}` +
    (out ? `\n--- stdout (last 2000 chars) ---\n${out.slice(-2000)}` : "");
}

/** Runs a Deno script of the repository to completion. */
export async function runScript(
  script: string,
  args: string[],
  opts: SpawnOptions = {},
): Promise<ProcessResult> {
  const out = await denoCommand(script, args, opts).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    signal: out.signal,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    argv: [script.replace(ROOT, ""), ...args],
  };
}

/** Runs `kubectl-grove <args>` from source as a process, to completion. */
export function runCliProcess(args: string[], opts: SpawnOptions = {}): Promise<ProcessResult> {
  return runScript(CLI_MAIN, args, opts);
}

/** A running child with its output collected as it arrives. */
export class SpawnedProcess {
  #child: Deno.ChildProcess;
  #argv: string[];
  #stdout = "";
  #stderr = "";
  #waiters: Array<() => void> = [];
  #pumps: Promise<void>;
  #stdin?: WritableStreamDefaultWriter<Uint8Array>;
  readonly status: Promise<Deno.CommandStatus>;

  constructor(script: string, args: string[], opts: SpawnOptions = {}) {
    this.#argv = [script.replace(ROOT, ""), ...args];
    this.#child = denoCommand(script, args, opts).spawn();
    if (opts.stdin === "piped") this.#stdin = this.#child.stdin.getWriter();
    this.#pumps = Promise.all([
      this.#pump(this.#child.stdout, (t) => (this.#stdout += t)),
      this.#pump(this.#child.stderr, (t) => (this.#stderr += t)),
    ]).then(() => {});
    this.status = this.#child.status;
  }

  async #pump(stream: ReadableStream<Uint8Array>, add: (t: string) => void): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      add(dec.decode(chunk, { stream: true }));
      for (const w of this.#waiters.splice(0)) w();
    }
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Everything the child wrote to stdout so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Everything the child wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The child's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Writes a line to the child's stdin (spawned with `stdin: "piped"`). */
  async writeLine(line: string): Promise<void> {
    if (!this.#stdin) throw new Error("spawned without stdin: 'piped'");
    await this.#stdin.write(new TextEncoder().encode(line + "\n"));
  }

  /**
   * Waits until `ready(stdout, stderr)` holds. Throws, with the child's exit code and stderr,
   * when the child exits first or the time runs out.
   */
  async waitFor(
    ready: (stdout: string, stderr: string) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited: Deno.CommandStatus | undefined;
    this.status.then((s) => (exited = s));
    while (!ready(this.#stdout, this.#stderr)) {
      if (exited) {
        await this.#pumps;
        if (ready(this.#stdout, this.#stderr)) return;
        throw new Error(`child exited before ${what}:\n${describeRun(this.#result(exited))}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}:\n` +
            describeRun(this.#result({ code: -1, signal: null, success: false })),
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a signal (SIGINT for Ctrl-C). */
  kill(signal: Deno.Signal = "SIGTERM"): void {
    try {
      this.#child.kill(signal);
    } catch { /* already exited */ }
  }

  /** Waits for the exit and returns everything printed. */
  async finished(): Promise<ProcessResult> {
    await this.#stdin?.close().catch(() => {});
    const s = await this.status;
    await this.#pumps;
    return this.#result(s);
  }

  #result(s: Deno.CommandStatus): ProcessResult {
    return {
      code: s.code,
      signal: s.signal,
      stdout: this.#stdout,
      stderr: this.#stderr,
      argv: this.#argv,
    };
  }
}

/** Starts `kubectl-grove <args>` from source as a process (for watches, prompts, Ctrl-C). */
export function spawnCli(args: string[], opts: SpawnOptions = {}): SpawnedProcess {
  return new SpawnedProcess(CLI_MAIN, args, opts);
}

/** Starts a Deno script of the repository as a process. */
export function spawnScript(
  script: string,
  args: string[],
  opts: SpawnOptions = {},
): SpawnedProcess {
  return new SpawnedProcess(script, args, opts);
}
