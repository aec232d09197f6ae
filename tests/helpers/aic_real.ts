/**
 * The real aiconfigurator for tests: `.tools/aic/bin/aiconfigurator`, installed by
 * `scripts/install_aic.sh`. Without it the tests are skipped with a message, except under
 * CI (`CI` set and not "false"/"0"), where a missing install is a failure.
 *
 * @module
 */

import { runCli } from "./cli.ts";

/** Path of the installed executable. */
export const REAL_AIC = new URL("../../.tools/aic/bin/aiconfigurator", import.meta.url).pathname;

function installed(): boolean {
  try {
    return Deno.statSync(REAL_AIC).isFile;
  } catch {
    return false;
  }
}

function inCi(): boolean {
  const v = Deno.env.get("CI");
  return v !== undefined && v !== "" && v !== "false" && v !== "0";
}

/** True when the real-aiconfigurator tests must be skipped (not installed, not CI). */
export const SKIP_REAL_AIC: boolean = !installed() && !inCi();

if (SKIP_REAL_AIC) {
  console.warn(
    `skipping real-aiconfigurator tests: ${REAL_AIC} is absent (install it with scripts/install_aic.sh)`,
  );
}

/** Fails clearly when the install is missing under CI. */
export function requireRealAic(): void {
  if (!installed()) {
    throw new Error(
      `CI is set but aiconfigurator is not installed at ${REAL_AIC}: run scripts/install_aic.sh before the tests`,
    );
  }
}

/** Environment for runCli: the installed executable, offline (no model hub). */
export function realAicEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    KUBECTL_GROVE_AICONFIGURATOR_PATH: REAL_AIC,
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
    ...extra,
  };
}

/** Runs the CLI and measures its wall time in seconds. */
export async function timedCli(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  const t0 = performance.now();
  const r = await runCli(argv, { env });
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  return { ...r, seconds };
}
