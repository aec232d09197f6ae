/**
 * Tests that need an external tool (tmux, zsh, fish, kubectl, a POSIX sh, ...) ask here.
 *
 * On a developer's machine a missing tool skips the test with one line
 * `test skipped: <tool> not installed (<how to install>)`, which `.ci/run` counts by reason.
 * Under `CI=true` a missing tool is a failure: `.ci/run` installs every tool the suite uses, so
 * nothing goes silently untested in CI.
 *
 * @module
 */

const found = new Map<string, string | undefined>();

/** The absolute path of `command` on PATH, or undefined. */
export function whichTool(command: string): string | undefined {
  if (found.has(command)) return found.get(command);
  let path: string | undefined;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const p = `${dir}/${command}`;
      const st = Deno.statSync(p);
      if (st.isFile && ((st.mode ?? 0o111) & 0o111) !== 0) {
        path = p;
        break;
      }
    } catch { /* not here */ }
  }
  found.set(command, path);
  return path;
}

/** True when the tests run in CI (`CI` set to anything but "" or "false"). */
export function inCI(): boolean {
  const ci = Deno.env.get("CI");
  return ci !== undefined && ci !== "" && ci !== "false";
}

/** The gate for a test that needs a tool; spread `ignore` into `Deno.test`'s options. */
export interface ToolGate {
  /** The tool's path when installed. */
  path: string | undefined;
  /** Skip the test: the tool is missing and this is not CI. */
  ignore: boolean;
  /** Call first in the test body: fails with the install hint when the tool is missing (CI). */
  require(): string;
}

const reported = new Set<string>();

/**
 * Looks up `command`; `install` says how to get it (`apt-get install -y tmux`). Prints one
 * `test skipped: ...` line per tool and test file when the tests will be skipped.
 */
export function toolGate(command: string, install: string): ToolGate {
  const path = whichTool(command);
  const ignore = !path && !inCI();
  if (ignore && !reported.has(command)) {
    reported.add(command);
    console.log(`test skipped: ${command} not installed (${install})`);
  }
  return {
    path,
    ignore,
    require() {
      if (!path) {
        throw new Error(
          `${command} is not installed, and CI=true makes that a failure: ${install} (.ci/run installs it)`,
        );
      }
      return path;
    },
  };
}
