// Flags (issue 25 items 12 and 13): rollout undo --revision (with --to-revision as an alias),
// unknown options suggest the close match on subcommands too, metrics accepts -w, and
// rollout --help's summary names the progressive subcommands.
import { assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "e2e flags: undo --revision and --to-revision, suggestions, -w, rollout help",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "rollout" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const base = ["rollout", "undo", "chat-disagg", "-n", "inference", "--dry-run"];
      const byRevision = await runCli([...base, "--revision", "1"], { env });
      assertEquals(byRevision.code, 0, byRevision.stderr);
      const byAlias = await runCli([...base, "--to-revision", "1"], { env });
      assertEquals(byAlias.code, 0, byAlias.stderr);
      assertEquals(byAlias.stdout, byRevision.stdout);
      const both = await runCli([...base, "--revision", "1", "--to-revision", "2"], { env });
      assertEquals(both.code, 2);
      assertStringIncludes(both.stderr, "--revision 1 and --to-revision 2 disagree");

      const typo = await runCli(["rollout", "history", "chat-disagg", "--revison", "1"], { env });
      assertEquals(typo.code, 2);
      assertStringIncludes(typo.stderr, "(Did you mean --revision?)");

      const help = await runCli(["metrics", "--help"], { env });
      assertMatch(help.stdout, /-w, --watch/);
      const rollout = await runCli(["rollout", "--help"], { env });
      assertMatch(
        rollout.stdout.replace(/\s+/g, " "),
        /progressive: start, canary, promote, abort/,
      );
    } finally {
      await sim.stop();
    }
  },
);
