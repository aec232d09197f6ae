import { assert, assertEquals, assertMatch, assertStringIncludes } from "../../helpers/assert.ts";
import { startSimCluster } from "../../../lib/sim/server.ts";
import { runCli } from "../../helpers/cli.ts";
import { childEnv, denoDir } from "../../helpers/spawn.ts";
import { toolGate } from "../../helpers/tools.ts";
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

const SHELL_GATES = {
  bash: toolGate("bash", "apt-get install -y bash"),
  zsh: toolGate("zsh", "apt-get install -y zsh"),
  fish: toolGate("fish", "apt-get install -y fish"),
};

Deno.test({
  name: "the bash script completes through a real bash",
  ignore: SHELL_GATES.bash.ignore,
  fn: async () => {
    const bash = SHELL_GATES.bash.require();
    const dir = await wrapperDir();
    try {
      const script = (await runCli(["completion", "bash"])).stdout;
      await Deno.writeTextFile(`${dir}/c.bash`, script);
      const test =
        `source ${dir}/c.bash; COMP_WORDS=(kubectl-grove vers); COMP_CWORD=1; _kubectl_grove; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const out = await new Deno.Command(bash, {
        args: ["-c", test],
        clearEnv: true,
        env: childEnv({ PATH: `${dir}:${Deno.env.get("PATH")}`, HOME: dir }),
      }).output();
      assertEquals(
        new TextDecoder().decode(out.stdout).trim(),
        "version",
        new TextDecoder().decode(out.stderr),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** A directory with a `kubectl-grove` that runs this checkout, for real shells. */
async function wrapperDir(): Promise<string> {
  const dir = await Deno.makeTempDir();
  const main = new URL("../../../cli/main.ts", import.meta.url).pathname;
  await Deno.writeTextFile(
    `${dir}/kubectl-grove`,
    `#!/bin/sh\nDENO_DIR="${denoDir()}" exec "${Deno.execPath()}" run -A --quiet --cached-only "${main}" "$@"\n`,
  );
  await Deno.chmod(`${dir}/kubectl-grove`, 0o755);
  return dir;
}

for (const [shell, flags] of [["bash", ["-n"]], ["zsh", ["-n"]], ["fish", ["-n"]]] as const) {
  Deno.test({
    name: `the ${shell} completion script is valid ${shell} syntax`,
    ignore: SHELL_GATES[shell].ignore,
    fn: async () => {
      const path = SHELL_GATES[shell].require();
      const dir = await Deno.makeTempDir();
      try {
        await Deno.writeTextFile(`${dir}/c`, (await runCli(["completion", shell])).stdout);
        const out = await new Deno.Command(path, { args: [...flags, `${dir}/c`] }).output();
        assertEquals(out.code, 0, `${shell}: ${new TextDecoder().decode(out.stderr)}`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test("__complete against the simulator: PodCliqueSet names, roles, namespaces, contexts", async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const c = async (...words: string[]) => {
      const r = await runCli(["__complete", ...words], { env });
      assertEquals(r.code, 0);
      assertEquals(r.stderr, "");
      return r.stdout;
    };
    assertEquals(await c("-n", "inference", "status", ""), "llama-disagg\n:4\n");
    assertEquals(await c("--namespace=inference", "health", "ll"), "llama-disagg\n:4\n");
    assertEquals(await c("-n", "ml-batch", "status", ""), ":4\n");
    assertEquals(
      await c("-n", "inference", "restart", "llama-disagg", "--role", ""),
      "decode-leader\ndecode-worker\nfrontend\nprefill\n:4\n",
    );
    assertMatch(await c("-n", ""), /^inference$/m);
    assertEquals(await c("--context", ""), "sim\nsim-readonly\n:4\n");
    assertEquals(
      await c("--context", "sim-readonly", "-n", "inference", "topology", ""),
      "llama-disagg\n:4\n",
    );
  } finally {
    await sim.stop();
  }
});

Deno.test("__complete with an unreachable or missing cluster: no candidates, no error output, quickly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sim = await startSimCluster({ scenario: "healthy" });
    const kubeconfig = (await Deno.readTextFile(sim.kubeconfigPath)).replace(
      /server: https:\/\/127\.0\.0\.1:\d+/g,
      "server: https://127.0.0.1:1",
    );
    await sim.stop();
    await Deno.writeTextFile(`${dir}/refused`, kubeconfig);
    // a server that accepts the connection and never answers: the 2 s deadline applies
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    (async () => {
      for await (const conn of listener) held.push(conn);
    })();
    await Deno.writeTextFile(
      `${dir}/silent`,
      kubeconfig.replace(/127\.0\.0\.1:1\b/g, `127.0.0.1:${listener.addr.port}`),
    );
    try {
      for (const kc of [`${dir}/refused`, `${dir}/silent`, `${dir}/missing`]) {
        const t0 = performance.now();
        const r = await runCli(["__complete", "status", ""], { env: { KUBECONFIG: kc } });
        const ms = performance.now() - t0;
        assertEquals([r.code, r.stdout, r.stderr], [0, ":4\n", ""], kc);
        assert(ms < 3500, `${kc}: ${Math.round(ms)} ms`);
      }
    } finally {
      listener.close();
      for (const c of held) c.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs `script` in a real shell with a `kubectl-grove` wrapper on PATH, against a simulator. */
async function inShell(
  shell: string,
  body: (dir: string, run: (script: string) => Promise<string>) => Promise<void>,
) {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const dir = await wrapperDir();
  try {
    const env = childEnv({
      PATH: `${dir}:${Deno.env.get("PATH")}`,
      HOME: dir,
      KUBECONFIG: sim.kubeconfigPath,
    });
    await body(dir, async (script) => {
      const out = await new Deno.Command(shell, {
        args: ["-c", script],
        env,
        clearEnv: true,
        cwd: dir,
      }).output();
      return new TextDecoder().decode(out.stdout);
    });
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "the fish script completes commands, flags and PodCliqueSet names through a real fish",
  ignore: SHELL_GATES.fish.ignore,
  fn: async () => {
    const fish = SHELL_GATES.fish.require();
    await inShell(fish, async (dir, run) => {
      await Deno.writeTextFile(`${dir}/c.fish`, (await runCli(["completion", "fish"])).stdout);
      const out = await run(
        `source ${dir}/c.fish; complete -C "kubectl-grove vers"; complete -C "kubectl-grove status --o"; complete -C "kubectl-grove -n inference status "; complete -C "kubectl-grove diag -o ${dir}/c."`,
      );
      assertEquals(out.split("\n").map((l) => l.split("\t")[0]).filter(Boolean), [
        "version",
        "--output",
        "llama-disagg",
        `${dir}/c.fish`, // a path flag falls back to file names
      ]);
    });
  },
});

Deno.test({
  name: "the zsh script completes commands and PodCliqueSet names through a real zsh",
  ignore: SHELL_GATES.zsh.ignore,
  fn: async () => {
    const zsh = SHELL_GATES.zsh.require();
    await inShell(zsh, async (dir, run) => {
      await Deno.writeTextFile(`${dir}/c.zsh`, (await runCli(["completion", "zsh"])).stdout);
      // _describe and _files need zsh's completion system: record what the script hands them
      const out = await run(
        `compdef(){}; _describe(){ print -l -- "\${(@P)2}" }; _files(){ print FILES }; source ${dir}/c.zsh
words=(kubectl-grove vers); CURRENT=2; _kubectl_grove
words=(kubectl-grove -n inference status ""); CURRENT=5; _kubectl_grove
words=(kubectl-grove diag -o ""); CURRENT=4; _kubectl_grove`,
      );
      assertEquals(out.split("\n").filter(Boolean), [
        "version:print the version, build, Deno version and the API groups spoken",
        "llama-disagg",
        "FILES",
      ]);
    });
  },
});

Deno.test("flag values are filtered by what was typed (kubectl passes the partial word through)", async () => {
  assertEquals((await complete(program(), ["version", "-o"], "j")).candidates, ["json"]);
  assertEquals((await complete(program(), ["version"], "--output=y")).candidates, [
    "--output=yaml",
  ]);
  const roles = { roles: () => Promise.resolve(["decode", "frontend", "prefill"]) };
  assertEquals(
    (await complete(program(), ["restart", "my-llm", "--role"], "pre", roles)).candidates,
    ["prefill"],
  );
});
