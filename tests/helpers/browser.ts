/**
 * A real browser for the dashboard's tests and bench: Debian's chromium
 * driven by playwright-core, and `kubectl grove dashboard` as a child
 * process (the command as users run it).
 *
 * @module
 */

import { CLI_MAIN, denoCommand } from "./spawn.ts";
import { inCI } from "./tools.ts";
import type { Browser } from "npm:playwright-core@1.65.1";

/** Where chromium is: `$CHROMIUM_PATH`, else Debian's paths; undefined when absent. */
export function findChromium(): string | undefined {
  const candidates = [
    Deno.env.get("CHROMIUM_PATH"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
  ].filter((x): x is string => !!x);
  for (const p of candidates) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not there
    }
  }
  return undefined;
}

/**
 * Whether browser tests run. Under CI=true a missing chromium is an error
 * (the tests fail); elsewhere they are skipped with a message.
 */
export function browserAvailable(what: string): boolean {
  if (findChromium()) return true;
  if (inCI()) return true; // the test runs and fails with a clear message
  // the line .ci/run counts by reason
  console.log(
    `test skipped: chromium not installed (apt-get install -y chromium, or set CHROMIUM_PATH): ${what}`,
  );
  return false;
}

/** Launches headless chromium the way the issue prescribes. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(
      "chromium is not installed (CI=true makes this a failure): apt-get install -y chromium",
    );
  }
  const { chromium } = await import("npm:playwright-core@1.65.1");
  return await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/** A `kubectl grove dashboard` child process. */
export interface DashboardProcess {
  /** The printed URL (with the token). */
  url: string;
  /** Scheme, host and port. */
  origin: string;
  /** The session token. */
  token: string;
  /** Process id (for RSS). */
  pid: number;
  /** Everything printed so far on stderr. */
  stderr: () => string;
  /** SIGTERM, then waits; returns the exit code. */
  stop(): Promise<number>;
}

/**
 * Starts `kubectl grove --kubeconfig <kc> dashboard <args>` and waits for
 * its URL; `denoFlags` go to `deno run` (the bench passes the executable's V8 flags).
 */
export async function startDashboardProcess(
  kubeconfig: string,
  args: string[],
  env: Record<string, string> = {},
  denoFlags: string[] = [],
): Promise<DashboardProcess> {
  // the runner's module cache (--cached-only) and a temp home, without a config file
  const child = denoCommand(CLI_MAIN, ["--kubeconfig", kubeconfig, "dashboard", ...args], {
    permissions: ["-A", ...denoFlags],
    env: { KUBECTL_GROVE_CONFIG: "", ...env },
  }).spawn();
  let err = "";
  const errDone = (async () => {
    for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) err += c;
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const deadline = Date.now() + 30_000;
  let m: RegExpExecArray | null = null;
  while (!(m = /(http:\/\/\S+)\/\?token=([0-9a-f]+)/.exec(out))) {
    if (Date.now() > deadline) throw new Error(`no URL after 30 s; stderr:\n${err}`);
    const r = await reader.read();
    if (r.done) {
      await errDone;
      throw new Error(`dashboard exited before printing its URL; stderr:\n${err}`);
    }
    out += r.value;
  }
  const drain = (async () => {
    while (!(await reader.read()).done) { /* keep the pipe flowing */ }
  })();
  return {
    url: `${m[1]}/?token=${m[2]}`,
    origin: m[1],
    token: m[2],
    pid: child.pid,
    stderr: () => err,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const s = await child.status;
      await Promise.all([drain, errDone]);
      return s.code;
    },
  };
}
