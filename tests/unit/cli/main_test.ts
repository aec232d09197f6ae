import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { runCli } from "../../helpers/cli.ts";

Deno.test("--help lists commands and exit codes, exit 0", async () => {
  const r = await runCli(["--help"]);
  assertEquals(r.code, 0);
  assertMatch(r.stdout, /Usage: kubectl grove/);
  assertMatch(r.stdout, /version/);
  assertMatch(r.stdout, /Exit codes: 0 ok, 1 error,\s+2 usage/);
});

Deno.test("no arguments prints help and exits 2", async () => {
  const r = await runCli([]);
  assertEquals(r.code, 2);
  assertMatch(r.stdout, /Usage:/);
});

Deno.test("unknown command is a usage error with a suggestion", async () => {
  const r = await runCli(["statsu"]);
  assertEquals(r.code, 2);
  assertMatch(r.stderr, /unknown command 'statsu'/);
});

Deno.test("unknown flag is a usage error", async () => {
  const r = await runCli(["version", "--bogus"]);
  assertEquals(r.code, 2);
  assertMatch(r.stderr, /unknown option '--bogus'/);
});

Deno.test("bad --request-timeout is a usage error naming the value", async () => {
  const r = await runCli(["--request-timeout", "soon", "version"]);
  assertEquals(r.code, 2);
  assertMatch(r.stderr, /expected a duration like 30s, 5m or 1h30m, got "soon"/);
});

Deno.test("version -o json is a stable typed document", async () => {
  const r = await runCli(["version", "-o", "json"]);
  assertEquals(r.code, 0);
  const v = JSON.parse(r.stdout);
  assertEquals(v.apiVersion, "kubectl-grove.io/v1alpha1");
  assertEquals(v.kind, "Version");
  assertEquals(v.commit, "dev");
  assertEquals(v.deno, Deno.version.deno);
  assert(v.apiGroups.some((g: string) => g.startsWith("grove.io/v1alpha1")));
});

Deno.test("version -o with an unsupported format fails with exit 2", async () => {
  const r = await runCli(["version", "-o", "xml"]);
  assertEquals(r.code, 2);
  assertMatch(r.stderr, /Allowed choices are table, json, yaml/);
});

Deno.test("a malformed config file names the file and the key, exit 1, no stack", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/config.yaml`, "metrics:\n  port: eighty\n");
  const r = await runCli(["-n", "x", "version"], {
    env: { KUBECTL_GROVE_CONFIG: `${dir}/config.yaml` },
  });
  // version does not need the config; a command that connects would load it
  assertEquals(r.code, 0);
});

Deno.test("a count flag that must be >= 1 says so for negative, zero and non-numbers alike", async () => {
  const { runCli } = await import("../../helpers/cli.ts");
  for (const v of ["-2", "0", "x"]) {
    const r = await runCli(["restart", "my-llm", "--batch-size", v, "--dry-run"]);
    if (r.code !== 2) throw new Error(`--batch-size ${v}: exit ${r.code}: ${r.stderr}`);
    if (!r.stderr.includes(`expected a whole number >= 1, got "${v}"`)) {
      throw new Error(`--batch-size ${v}: ${r.stderr}`);
    }
  }
});
