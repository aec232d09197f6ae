/**
 * `deno task compile [--target <name>|all] [--out dist]`: builds the
 * `kubectl-grove` executable with `deno compile` for each target, with only
 * the permissions in scripts/permissions.ts, the git commit and build date
 * baked into lib/build_info.ts, and the fixtures included (for --replay and
 * the simulated cluster). Next to each binary it writes
 * `kubectl_complete-grove` (kubectl's plugin completion hook).
 *
 * `deno compile` downloads a Deno runtime (denort) per target. Where that
 * download is blocked, the task says so in one line and how to point
 * DENORT_BIN at a runtime fetched elsewhere.
 *
 * @module
 */

import { PERMISSION_FLAGS, V8_FLAGS } from "./permissions.ts";

/** Release targets: our name -> Rust target triple. */
export const TARGETS: Record<string, string> = {
  "linux-amd64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "darwin-amd64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "windows-amd64": "x86_64-pc-windows-msvc",
};

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);

function hostTarget(): string {
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "amd64";
  const os = Deno.build.os === "windows" ? "windows" : Deno.build.os;
  return `${os}-${arch}`;
}

async function git(args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command("git", { args, cwd: rootPath, stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "unknown";
  } catch {
    return "unknown";
  }
}

/** Parses the task's arguments. */
export function parseArgs(args: string[]): { targets: string[]; out: string } {
  let target = hostTarget();
  let out = "dist";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--target") target = args[++i];
    else if (args[i] === "--out") out = args[++i];
    else throw new Error(`unknown argument ${args[i]} (use --target <name>|all, --out <dir>)`);
  }
  const targets = target === "all" ? Object.keys(TARGETS) : [target];
  for (const t of targets) {
    if (!TARGETS[t]) {
      throw new Error(`unknown target ${t}; known: ${Object.keys(TARGETS).join(", ")}, all`);
    }
  }
  return { targets, out };
}

/** True when deno compile failed because the runtime could not be downloaded. */
export function isRuntimeDownloadFailure(stderr: string): boolean {
  return /denort|dl\.deno\.land/.test(stderr) &&
    /error sending request|dns error|Connect|download/i.test(stderr);
}

/** The contents of lib/build_info.ts in an executable built at `date` from `commit`. */
export function buildInfoSource(commit: string, date: string): string {
  return `/** Build facts baked in by \`deno task compile\`; \`dev\` when run from source. @module */\n\n` +
    `/** Git commit of the build. */\nexport const BUILD_COMMIT = ${JSON.stringify(commit)};\n` +
    `/** Build date of the build. */\nexport const BUILD_DATE = ${JSON.stringify(date)};\n`;
}

async function main() {
  const { targets, out } = parseArgs(Deno.args);
  const buildInfo = new URL("lib/build_info.ts", root);
  const original = await Deno.readTextFile(buildInfo);
  const commit = await git(["rev-parse", "--short=12", "HEAD"]);
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await Deno.mkdir(new URL(`${out}/`, root), { recursive: true });
  let failed = 0;
  // Ctrl-C during a build must not leave the baked-in facts in the source tree
  const restore = () => {
    Deno.writeTextFileSync(buildInfo, original);
    Deno.exit(130);
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const sig of signals) Deno.addSignalListener(sig, restore);
  try {
    await Deno.writeTextFile(buildInfo, buildInfoSource(commit, date));
    for (const t of targets) {
      const exe = t.startsWith("windows") ? ".exe" : "";
      const dir = `${out}/${t}`;
      await Deno.mkdir(new URL(`${dir}/`, root), { recursive: true });
      const output = `${dir}/kubectl-grove${exe}`;
      console.error(`compile ${t} (${TARGETS[t]}) -> ${output}`);
      const res = await new Deno.Command(Deno.execPath(), {
        cwd: rootPath,
        args: [
          "compile",
          "--quiet",
          ...PERMISSION_FLAGS,
          ...V8_FLAGS,
          "--include",
          "fixtures",
          "--target",
          TARGETS[t],
          "--output",
          output,
          "cli/main.ts",
        ],
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(res.stderr);
      if (!res.success) {
        failed++;
        if (isRuntimeDownloadFailure(stderr)) {
          console.error(
            `compile ${t}: deno compile could not download the Deno runtime (denort-${
              TARGETS[t]
            }.zip for Deno ${Deno.version.deno}); fetch it where the network allows, unzip it, and run: DENORT_BIN=/path/to/denort deno task compile --target ${t}`,
          );
        } else {
          console.error(stderr.trim());
        }
        continue;
      }
      // kubectl's plugin completion hook, next to the binary
      if (exe) {
        await Deno.writeTextFile(
          new URL(`${dir}/kubectl_complete-grove.cmd`, root),
          "@echo off\r\nkubectl-grove.exe __complete %*\r\n",
        );
      } else {
        const hook = new URL(`${dir}/kubectl_complete-grove`, root);
        await Deno.writeTextFile(hook, '#!/bin/sh\nexec kubectl-grove __complete "$@"\n');
        await Deno.chmod(hook, 0o755);
      }
      await Deno.copyFile(new URL("LICENSE", root), new URL(`${dir}/LICENSE`, root));
      console.error(`compile ${t}: ok (commit ${commit}, built ${date})`);
    }
  } finally {
    await Deno.writeTextFile(buildInfo, original);
    for (const sig of signals) Deno.removeSignalListener(sig, restore);
  }
  if (failed) Deno.exit(1);
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(`compile: ${(e as Error).message}`);
    Deno.exit(2);
  }
}
