import { assert, assertEquals, assertMatch, assertStringIncludes } from "../../helpers/assert.ts";
import { runCli } from "../../helpers/cli.ts";
import { complete } from "../../../cli/complete.ts";
import { buildProgram } from "../../../cli/main.ts";
import { CliContext } from "../../../cli/context.ts";
import { SHELLS } from "../../../cli/commands/completion.ts";

function program() {
  const ctx = new CliContext({
    stdout: () => {},
    stderr: () => {},
    stdoutIsTTY: false,
    stdinIsTTY: false,
    readLine: () => Promise.resolve(null),
    env: () => undefined,
  });
  return buildProgram(ctx);
}

Deno.test("__complete lists subcommands with descriptions and no file completion", async () => {
  const r = await runCli(["__complete", ""]);
  assertEquals(r.code, 0);
  const lines = r.stdout.trimEnd().split("\n");
  assertEquals(lines[lines.length - 1], ":4");
  assert(lines.some((l) => l.startsWith("version\t")));
  assert(lines.some((l) => l.startsWith("completion\t")));
  assert(!lines.some((l) => l.startsWith("help\t") || l.startsWith("__complete")));
});

Deno.test("__complete filters subcommands by prefix", async () => {
  const r = await runCli(["__complete", "ver"]);
  assertEquals(
    r.stdout,
    "version\tprint the version, build, Deno version and the API groups spoken\n:4\n",
  );
});

Deno.test("completes flag names of the command and global flags", async () => {
  const c = await complete(program(), ["version"], "--");
  const names = c.candidates.map((x) => x.split("\t")[0]);
  for (const f of ["--output", "--namespace", "--context", "--kubeconfig", "--help"]) {
    assert(names.includes(f), `missing ${f}: ${names}`);
  }
});

Deno.test("completes flag values from choices, also after --flag=", async () => {
  const c = await complete(program(), ["version", "-o"], "");
  assertEquals(c.candidates, ["table", "json", "yaml"]);
  const c2 = await complete(program(), ["version"], "--output=j");
  assertEquals(c2.candidates.filter((x) => x.startsWith("--output=j")), ["--output=json"]);
});

Deno.test("completes namespaces and contexts from the sources, skipping a global flag value", async () => {
  const sources = {
    namespaces: () => Promise.resolve(["default", "inference"]),
    contexts: () => Promise.resolve(["prod", "sim"]),
    podCliqueSets: (ns?: string) => Promise.resolve(ns === "inference" ? ["qwen-disagg"] : []),
  };
  assertEquals((await complete(program(), ["-n"], "", sources)).candidates, [
    "default",
    "inference",
  ]);
  assertEquals((await complete(program(), ["--context"], "", sources)).candidates, ["prod", "sim"]);
  // after `-n inference` the subcommand is still completed
  const c = await complete(program(), ["-n", "inference"], "ver", sources);
  assertEquals(c.candidates.map((x) => x.split("\t")[0]), ["version"]);
});

Deno.test("a failing source yields no candidates, never an error", async () => {
  const c = await complete(program(), ["--context"], "", {
    contexts: () => Promise.reject(new Error("boom")),
  });
  assertEquals(c.candidates, []);
});

Deno.test("completion scripts for every shell call __complete", async () => {
  for (const shell of SHELLS) {
    const r = await runCli(["completion", shell]);
    assertEquals(r.code, 0, shell);
    assertStringIncludes(r.stdout, "kubectl-grove __complete");
  }
  const bad = await runCli(["completion", "tcsh"]);
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /unsupported shell "tcsh"/);
  assertMatch(bad.stderr, /hint: use one of: bash, zsh, fish, powershell/);
});

Deno.test("the bash script completes through a real bash", async () => {
  const bash = await new Deno.Command("bash", {
    args: ["--version"],
    stdout: "null",
    stderr: "null",
  }).output()
    .catch(() => undefined);
  if (!bash?.success) {
    console.log("bash not available: skipped");
    return;
  }
  const dir = await Deno.makeTempDir();
  const main = new URL("../../../cli/main.ts", import.meta.url).pathname;
  await Deno.writeTextFile(
    `${dir}/kubectl-grove`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run -A --quiet "${main}" "$@"\n`,
  );
  await Deno.chmod(`${dir}/kubectl-grove`, 0o755);
  const script = (await runCli(["completion", "bash"])).stdout;
  await Deno.writeTextFile(`${dir}/c.bash`, script);
  const test =
    `source ${dir}/c.bash; COMP_WORDS=(kubectl-grove vers); COMP_CWORD=1; _kubectl_grove; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = await new Deno.Command("bash", {
    args: ["-c", test],
    env: { PATH: `${dir}:${Deno.env.get("PATH")}`, HOME: dir },
  }).output();
  assertEquals(new TextDecoder().decode(out.stdout).trim(), "version");
});
