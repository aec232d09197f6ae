// The CLI-spawning helper: offline children, and failures that carry the child's stderr.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../../helpers/assert.ts";
import {
  childEnv,
  denoDir,
  describeRun,
  runCliProcess,
  spawnCli,
  testHome,
} from "../../helpers/spawn.ts";

Deno.test("spawn: the child gets the runner's module cache and a temp home, nothing else", () => {
  const env = childEnv({ KUBECONFIG: "/k" });
  assertEquals(env.DENO_DIR, denoDir());
  assertEquals(env.HOME, testHome());
  assert(env.HOME.startsWith(Deno.env.get("TMPDIR") ?? "/tmp"), env.HOME);
  assertEquals(env.KUBECONFIG, "/k");
  assertEquals(Object.keys(env).filter((k) => k !== "TMPDIR").sort(), [
    "DENO_DIR",
    "DENO_NO_UPDATE_CHECK",
    "HOME",
    "KUBECONFIG",
    "NO_COLOR",
    "PATH",
    "XDG_CONFIG_HOME",
  ]);
});

Deno.test("spawn: a failed run is described with its exit code and stderr", async () => {
  const r = await runCliProcess(["status", "--frobnicate"]);
  assertEquals(r.code, 2);
  const text = describeRun(r);
  assertStringIncludes(text, "exited 2");
  assertMatch(text, /--- stderr ---\n.*unknown option/s);
});

Deno.test("spawn: waiting for output from a child that exits says so, with its stderr", async () => {
  const child = spawnCli(["--kubeconfig", "/no/such/kubeconfig", "status", "x", "--watch"]);
  const err = await child.waitFor((o) => o.includes("never printed"), "a report", 20_000)
    .then(() => undefined, (e: Error) => e);
  assert(err, "waitFor must fail when the child exits first");
  assertMatch(err.message, /child exited before a report:\n`cli\/main\.ts .*` exited 1/);
  assertStringIncludes(err.message, "/no/such/kubeconfig");
  await child.finished();
});
