/** `deno task sim`: prints the export line, serves until SIGINT, cleans up; bad input is a clear error. */

import assert from "node:assert/strict";
import { describeRun, runScript, spawnScript } from "../helpers/spawn.ts";

const SCRIPT = new URL("../../scripts/sim.ts", import.meta.url).pathname;
const MINI = new URL("../unit/sim/testdata/mini", import.meta.url).pathname;
const PERMS = ["--allow-net=127.0.0.1", "--allow-read", "--allow-write", "--allow-env"];

Deno.test({
  name: "scripts/sim.ts serves a scenario directory until SIGINT and removes its kubeconfig",
  ignore: Deno.build.os === "windows",
  async fn() {
    const child = spawnScript(SCRIPT, ["--from", MINI, "--port", "0"], { permissions: PERMS });
    await child.waitFor((o) => o.includes("\n"), "the export line", 15_000);
    const out = child.stdout;
    const m = /^export KUBECONFIG=(\S+)\n/.exec(out);
    assert.ok(m, `first line: ${out}`);
    const kubeconfig = await Deno.readTextFile(m[1]);
    assert.match(kubeconfig, /server: https:\/\/127\.0\.0\.1:\d+/);
    child.kill("SIGINT");
    const run = await child.finished();
    const err = run.stderr;
    assert.equal(run.code, 0, describeRun(run));
    assert.match(
      err,
      /sim: serving ".*mini" \(\d+ objects\) at https:\/\/127\.0\.0\.1:\d+, started in \d+ ms/,
    );
    assert.match(err, /sim: stopped after \d+ requests/);
    await assert.rejects(Deno.stat(m[1]), Deno.errors.NotFound);
  },
});

Deno.test("scripts/sim.ts: unknown scenario exits 1 with a hint; bad flags exit 2 with usage", async () => {
  const run = (...args: string[]) => runScript(SCRIPT, args, { permissions: PERMS });
  const unknown = await run("no-such-scenario");
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stdout, "");
  assert.match(unknown.stderr, /error: scenario "no-such-scenario" not found/);
  assert.match(unknown.stderr, /hint: use one of: .*healthy/);
  assert.doesNotMatch(unknown.stderr, /at .*\.ts:\d+/, "no stack trace");
  const port = await run("--port", "http");
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port must be 0\.\.65535, got "http"/);
  assert.match(port.stderr, /usage: deno task sim/);
  assert.equal((await run("--frobnicate")).code, 2);
  const help = await run("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--operator/);
});
