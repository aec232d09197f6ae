/**
 * Runs the `aiconfigurator` executable: finds it (config
 * `aiconfigurator.path`, then PATH), reads its version, builds the argument
 * array for that version (never a shell string), streams its output to a
 * progress callback and returns the results directory from its
 * `Saving results to <dir>` line.
 *
 * Command-line forms: 0.7 and later take `cli default --model-path M
 * --total-gpus N --save-dir D` (kebab-case); 0.4 to 0.6 took snake-case
 * flags (`--model_path`, `--total_gpus`, `--save_dir`). Earlier versions
 * took AIC's own model names instead of Hugging Face ids and are refused.
 * 0.12 renamed `--backend-version` to `--perf-db-version` (the old name is
 * kept as an alias), prints a deprecation notice for the `aiconfigurator`
 * distribution (Python's DeprecationWarning on stderr and a `[W]` log line)
 * and reports errors as `[E]` log lines on stdout, often without a traceback.
 *
 * @module
 */

import { GroveError } from "../errors.ts";
import type { Backend } from "./results.ts";

/** The oldest version we drive. */
export const MIN_VERSION = "0.4.0";
/** The first version with kebab-case flags and `--model-path`. */
export const KEBAB_VERSION = "0.7.0";
/** The first version whose flag is `--perf-db-version` (`--backend-version` stays an alias). */
export const PERF_DB_VERSION = "0.12.0";
/** The versions the tests run for real (scripts/install_aic.sh installs the first). */
export const TESTED_VERSIONS = ["0.12.0"] as const;

const INSTALL_HINT =
  "install it with: pip install aiconfigurator (Linux x86-64, Python 3.9+), or set aiconfigurator.path in the kubectl-grove config; or pass --from-results <dir> with the results of an earlier run";

/** What to search for. */
export interface GenerateInputs {
  /** Hugging Face model id or local path with config.json. */
  model: string;
  /** AIC system name (GPU type), e.g. h200_sxm. */
  system: string;
  /** GPUs for the whole deployment. */
  totalGpus: number;
  /** Backend. */
  backend: Backend;
  /** Input sequence length. */
  isl: number;
  /** Output sequence length. */
  osl: number;
  /** TTFT limit, ms. */
  ttft: number;
  /** TPOT limit, ms. */
  tpot: number;
  /** Where aiconfigurator writes its results. */
  saveDir: string;
  /** Backend version of AIC's performance database (`--backend-version`). */
  backendVersion?: string;
}

/** Parses `0.11.0`, `v0.7.1rc1`, `1.0` into three numbers; undefined when not a version. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Compares two versions: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a) ?? [0, 0, 0];
  const y = parseVersion(b) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/**
 * Finds the version in the output of `aiconfigurator version`
 * (`aiconfigurator 0.11.0`, possibly after other lines).
 *
 * @example
 * ```ts
 * import { versionFromOutput } from "./runner.ts";
 * versionFromOutput("Gradio not installed\naiconfigurator 0.11.0\n"); // "0.11.0"
 * ```
 */
export function versionFromOutput(output: string): string | undefined {
  const named = /aiconfigurator\s+v?(\d+\.\d+(?:\.\d+)?[\w.+-]*)/i.exec(output);
  if (named) return named[1];
  const bare = /(?:^|\s)v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(output);
  return bare?.[1];
}

/**
 * Builds the argument array of `aiconfigurator cli default` for a version.
 * Throws a {@link GroveError} for versions older than {@link MIN_VERSION}.
 *
 * @example
 * ```ts
 * import { buildArgs } from "./runner.ts";
 * buildArgs("0.11.0", {
 *   model: "Qwen/Qwen3-32B", system: "h200_sxm", totalGpus: 32, backend: "sglang",
 *   isl: 4000, osl: 1000, ttft: 300, tpot: 10, saveDir: "./out",
 * }).slice(0, 4); // ["cli", "default", "--model-path", "Qwen/Qwen3-32B"]
 * ```
 */
export function buildArgs(version: string, i: GenerateInputs): string[] {
  if (!parseVersion(version)) {
    throw new GroveError(`cannot understand the aiconfigurator version "${version}"`, {
      hint: `kubectl-grove supports aiconfigurator ${MIN_VERSION} and later; ${INSTALL_HINT}`,
    });
  }
  if (compareVersions(version, MIN_VERSION) < 0) {
    throw new GroveError(
      `aiconfigurator ${version} is too old: kubectl-grove supports ${MIN_VERSION} and later (${KEBAB_VERSION}+ recommended)`,
      { hint: "upgrade it with: pip install -U aiconfigurator" },
    );
  }
  const kebab = compareVersions(version, KEBAB_VERSION) >= 0;
  const f = (name: string) => `--${kebab ? name : name.replaceAll("-", "_")}`;
  const args = [
    "cli",
    "default",
    f("model-path"),
    i.model,
    "--system",
    i.system,
    f("total-gpus"),
    String(i.totalGpus),
    "--backend",
    i.backend,
    "--isl",
    String(i.isl),
    "--osl",
    String(i.osl),
    "--ttft",
    String(i.ttft),
    "--tpot",
    String(i.tpot),
  ];
  if (i.backendVersion) {
    const perfDb = compareVersions(version, PERF_DB_VERSION) >= 0;
    args.push(perfDb ? "--perf-db-version" : f("backend-version"), i.backendVersion);
  }
  args.push(f("save-dir"), i.saveDir);
  return args;
}

/** Finds the `Saving results to <dir>` line in aiconfigurator's log. */
export function resultsDirFromLog(log: string): string | undefined {
  let found: string | undefined;
  for (const line of log.split(/\r?\n/)) {
    // deno-lint-ignore no-control-regex
    const m = /Saving results to\s+(.+?)\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ""));
    if (m) found = m[1];
  }
  return found;
}

/** Environment variables passed on to aiconfigurator. */
const CHILD_ENV = [
  "PATH",
  "HOME",
  "USER",
  "TMPDIR",
  "LANG",
  "LC_ALL",
  "VIRTUAL_ENV",
  "PYTHONPATH",
  "XDG_CACHE_HOME",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "HF_TOKEN",
  "HF_HOME",
  "HF_HUB_CACHE",
  "HF_HUB_OFFLINE",
  "HF_ENDPOINT",
  "HUGGING_FACE_HUB_TOKEN",
  "TRANSFORMERS_OFFLINE",
  "AICONFIGURATOR_LOG_LEVEL",
  // switches of the fake executable in fixtures/aic/bin (tests)
  "FAKE_AIC_FAIL",
  "FAKE_AIC_NO_RESULTS_LINE",
  "FAKE_AIC_NO_SLA",
  "FAKE_AIC_VERSION",
  "FAKE_AIC_RUN",
  "FAKE_AIC_GPUS",
  "FAKE_AIC_ARGS_FILE",
];

/**
 * The child's environment: PATH, HOME, locale, proxies, the Hugging Face
 * settings (`HF_TOKEN`, `HF_HOME`, `HF_HUB_OFFLINE`, ...) and
 * `AICONFIGURATOR_LOG_LEVEL`; nothing else from ours. (Before, only PATH was
 * passed, so a gated model's `HF_TOKEN` never reached the search.)
 */
export function childEnv(
  get: (k: string) => string | undefined,
  names: readonly string[] = [],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of [...CHILD_ENV, ...names]) {
    const v = get(k);
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** Looks up an executable on PATH (or checks a path given with a slash). */
export async function which(
  name: string,
  path: string | undefined,
): Promise<string | undefined> {
  const candidates = name.includes("/")
    ? [name]
    : (path ?? "").split(":").filter(Boolean).map((d) => `${d}/${name}`);
  for (const c of candidates) {
    try {
      const st = await Deno.stat(c);
      if (st.isFile && (st.mode === null || (st.mode & 0o111) !== 0)) return c;
    } catch {
      // not there
    }
  }
  return undefined;
}

/**
 * Finds the executable: the configured path first (it must exist), then
 * `aiconfigurator` on PATH. A clear error says how to install it.
 */
export async function findExecutable(
  configured: string | undefined,
  path: string | undefined,
): Promise<string> {
  if (configured) {
    const found = await which(configured, path);
    if (found) return found;
    throw new GroveError(
      `aiconfigurator.path is set to "${configured}" but no executable is there`,
      { hint: `fix aiconfigurator.path in the kubectl-grove config, or ${INSTALL_HINT}` },
    );
  }
  const found = await which("aiconfigurator", path);
  if (found) return found;
  throw new GroveError("aiconfigurator is not installed (not found on PATH)", {
    hint: INSTALL_HINT,
  });
}

/** Output of a finished run. */
export interface RunResult {
  /** The results directory from the `Saving results to` line. */
  resultsDir: string;
  /** Everything it printed (stdout and stderr, interleaved by line). */
  log: string;
  /** Things worth telling the user (a deprecation notice). */
  warnings: string[];
}

/** Options of {@link runAiconfigurator}. */
export interface RunOptions {
  /** Called with each output line, for progress on stderr. */
  onLine?: (line: string) => void;
  /** Stops the run (Ctrl-C). */
  signal?: AbortSignal;
  /** Extra environment for the child. */
  env?: Record<string, string>;
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      onLine(buf.slice(0, nl).replace(/\r$/, ""));
      buf = buf.slice(nl + 1);
    }
  }
  if (buf !== "") onLine(buf);
}

/** Lines that are noise in an error report: the 0.12 deprecation notice and its source line. */
function isNoise(l: string): boolean {
  return /DeprecationWarning|deprecated AIConfigurator distribution|^\s*sys\.exit\(main\(\)\)\s*$/
    .test(l);
}

function tail(lines: string[], n = 12): string {
  const last = lines.filter((l) => l.trim() !== "" && !isNoise(l)).slice(-n);
  return last.length ? last.map((l) => `  | ${l}`).join("\n") : "  (no output)";
}

/**
 * The error aiconfigurator reported, from its log: the `[E]` log lines
 * (0.12 logs `[E] [main.py:1521] Backend vllm is not supported for system
 * h999_sxm. ...` and exits 1 without a traceback), else the last line of a
 * Python traceback (`ValueError: ...`). Undefined when neither is there.
 */
export function errorFromLog(lines: readonly string[]): string | undefined {
  // deno-lint-ignore no-control-regex
  const clean = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""));
  const logged = clean.map((l) => /\[E\]\s+(?:\[[^\]]*\]\s+)?(.*\S)/.exec(l)?.[1])
    .filter((m): m is string => m !== undefined);
  if (logged.length) return logged.join("; ");
  const exc = clean.filter((l) => /^[A-Za-z_][\w.]*(Error|Exception): /.test(l)).pop();
  return exc;
}

/** The deprecation notice of aiconfigurator 0.12 (the distribution moves to `aisimulate`), if printed. */
export function deprecationFromLog(log: string): string | undefined {
  const m =
    /(`aiconfigurator[^`]*` is running from the deprecated AIConfigurator distribution[^\n]*?\.)\s/
      .exec(log);
  if (!m) return undefined;
  const install = /Install `([^`]+)`/.exec(log)?.[1];
  return `aiconfigurator says its distribution is deprecated${
    install ? `; it suggests installing ${install}, which keeps the aiconfigurator command` : ""
  }`;
}

/** Runs a command and collects its output lines (both streams). */
export async function runCollect(
  exe: string,
  args: string[],
  opts: RunOptions = {},
): Promise<{ code: number; lines: string[] }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(exe, {
      args,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
      env: opts.env,
      signal: opts.signal,
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new GroveError(`cannot run ${exe}: not found`, { hint: INSTALL_HINT });
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new GroveError(`cannot run ${exe}: permission denied`, {
        hint: `make it executable (chmod +x ${exe}) or ${INSTALL_HINT}`,
      });
    }
    throw e;
  }
  const lines: string[] = [];
  const on = (l: string) => {
    lines.push(l);
    opts.onLine?.(l);
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, on),
    pump(child.stderr, on),
  ]);
  return { code: status.code, lines };
}

/** Reads the version with `<exe> version`. */
export async function readVersion(exe: string, opts: RunOptions = {}): Promise<string> {
  const { code, lines } = await runCollect(exe, ["version"], { ...opts, onLine: undefined });
  const v = versionFromOutput(lines.join("\n"));
  if (code !== 0 || !v) {
    throw new GroveError(
      `cannot read the aiconfigurator version: \`${exe} version\` ${
        code !== 0 ? `exited with code ${code}` : "printed no version"
      }:\n${tail(lines)}`,
      { hint: `check the installation (pip show aiconfigurator); ${INSTALL_HINT}` },
    );
  }
  return v;
}

/**
 * Runs `aiconfigurator <args>`, streaming each line to `onLine`, and returns
 * the results directory. Errors carry the last lines of its output.
 */
export async function runAiconfigurator(
  exe: string,
  args: string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const { code, lines } = await runCollect(exe, args, opts);
  const log = lines.join("\n");
  if (opts.signal?.aborted) {
    throw new GroveError("aiconfigurator was interrupted", { exitCode: 130 });
  }
  if (code !== 0) {
    const reported = errorFromLog(lines);
    throw new GroveError(
      `aiconfigurator failed (exit code ${code})${
        reported ? `: ${reported}` : ""
      }; its last lines:\n${tail(lines)}`,
      {
        hint:
          "fix the input it complains about (model, --system, --backend, GPU count) and run again",
      },
    );
  }
  const dir = resultsDirFromLog(log);
  if (!dir) {
    throw new GroveError(
      `aiconfigurator finished but printed no "Saving results to <dir>" line; its last lines:\n${
        tail(lines)
      }`,
      {
        hint:
          "check that --save-dir is writable and that the run found configurations; or pass --from-results <dir> if the results were written",
      },
    );
  }
  const deprecation = deprecationFromLog(log);
  return { resultsDir: dir, log, warnings: deprecation ? [deprecation] : [] };
}
