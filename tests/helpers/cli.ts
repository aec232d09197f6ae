/**
 * Runs the CLI in process with captured streams, for tests.
 *
 * @module
 */

import { main } from "../../cli/main.ts";
import type { CliIO } from "../../cli/context.ts";
import { testHome } from "./spawn.ts";

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Environment visible to the CLI (nothing else is: no leaks from the test process). */
  env?: Record<string, string>;
  /** Pretend stdout is a terminal. */
  tty?: boolean;
  /** Pretend stdin is a terminal and answer prompts with these lines. */
  answers?: string[];
}

/**
 * Runs `kubectl-grove <argv>` in process.
 *
 * @example
 * ```ts
 * const r = await runCli(["version", "-o", "json"]);
 * ```
 */
export async function runCli(argv: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const answers = [...(opts.answers ?? [])];
  const env: Record<string, string> = {
    // a temp home of this test process: nothing the CLI might write lands outside temp dirs
    HOME: testHome(),
    KUBECTL_GROVE_CONFIG: "",
    ...opts.env,
  };
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdoutIsTTY: opts.tty ?? false,
    stdinIsTTY: opts.answers !== undefined,
    readLine: () => Promise.resolve(answers.length ? answers.shift()! : null),
    env: (k) => env[k],
    columns: opts.tty ? 120 : undefined,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
