import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { yamlLoad } from "../../../lib/deps.ts";
import {
  archiveName,
  fillManifest,
  type KrewManifest,
  validateManifest,
} from "../../../scripts/release.ts";
import { isRuntimeDownloadFailure, parseArgs, TARGETS } from "../../../scripts/compile.ts";
import { PERMISSION_FLAGS } from "../../../scripts/permissions.ts";
import { VERSION } from "../../../lib/version.ts";

const root = new URL("../../../", import.meta.url);
const template = yamlLoad(
  await Deno.readTextFile(new URL("plugins/grove.yaml", root)),
) as KrewManifest;

Deno.test("krew template: every release target, bins in files, version matches lib/version.ts", () => {
  assertEquals(template.apiVersion, "krew.googlecontainertools.github.com/v1alpha2");
  assertEquals(template.metadata.name, "grove");
  assertEquals(template.spec.version, `v${VERSION}`);
  const platforms = template.spec.platforms.map((p) =>
    `${p.selector.matchLabels.os}-${p.selector.matchLabels.arch}`
  );
  assertEquals(platforms.sort(), Object.keys(TARGETS).sort());
  // the template only lacks real digests
  const problems = validateManifest(template);
  assert(problems.every((p) => /sha256/.test(p)), problems.join("; "));
});

Deno.test("release fills uri and sha256 into a valid manifest", () => {
  const digests: Record<string, string> = {};
  for (const p of template.spec.platforms) {
    digests[archiveName("v9.9.9", p.selector.matchLabels.os, p.selector.matchLabels.arch)] = "ab"
      .repeat(32);
  }
  const m = fillManifest(template, "v9.9.9", "https://example.invalid/dl/", digests);
  assertEquals(validateManifest(m), []);
  assertEquals(m.spec.version, "v9.9.9");
  assertEquals(
    m.spec.platforms[0].uri,
    "https://example.invalid/dl/v9.9.9/kubectl-grove_v9.9.9_linux_amd64.tar.gz",
  );
  // the template itself is untouched
  assertEquals(template.spec.platforms[0].sha256, "0".repeat(64));
});

Deno.test("release refuses a platform without an archive", () => {
  let msg = "";
  try {
    fillManifest(template, "v1.0.0", "https://x.invalid", {});
  } catch (e) {
    msg = (e as Error).message;
  }
  assertMatch(msg, /no archive kubectl-grove_v1\.0\.0_linux_amd64\.tar\.gz/);
});

Deno.test("manifest validation names each problem", () => {
  const bad = structuredClone(template);
  bad.spec.platforms[4].bin = "kubectl-grove";
  bad.spec.platforms[0].uri = "http://insecure";
  const problems = validateManifest(bad).filter((p) => !/sha256/.test(p));
  assert(problems.some((p) => /platforms\[0\]\.uri must be an https URL/.test(p)));
  assert(problems.some((p) => /platforms\[4\]\.bin must end in \.exe on windows/.test(p)));
});

Deno.test("compile: targets, arguments and the blocked-runtime message", () => {
  assertEquals(parseArgs(["--target", "all"]).targets.length, 5);
  assertEquals(parseArgs(["--target", "darwin-arm64", "--out", "x"]), {
    targets: ["darwin-arm64"],
    out: "x",
  });
  let msg = "";
  try {
    parseArgs(["--target", "solaris-sparc"]);
  } catch (e) {
    msg = (e as Error).message;
  }
  assertMatch(msg, /unknown target solaris-sparc/);
  assert(
    isRuntimeDownloadFailure(
      "error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): dns error",
    ),
  );
  assert(!isRuntimeDownloadFailure("error: Module not found"));
  assert(!PERMISSION_FLAGS.includes("-A") && !PERMISSION_FLAGS.includes("--allow-all"));
});

Deno.test("k9s plugins: each shortcut scoped to podcliquesets and runs kubectl grove", async () => {
  const doc = yamlLoad(await Deno.readTextFile(new URL("integrations/k9s/plugins.yaml", root))) as {
    plugins: Record<
      string,
      { shortCut: string; scopes: string[]; command: string; args: string[] }
    >;
  };
  const names = Object.keys(doc.plugins).sort();
  assertEquals(names, ["grove-diag", "grove-health", "grove-status", "grove-topology"]);
  const shortcuts = new Set<string>();
  for (const p of Object.values(doc.plugins)) {
    assertEquals(p.scopes, ["podcliquesets"]);
    assert(!shortcuts.has(p.shortCut));
    shortcuts.add(p.shortCut);
    assertMatch(p.args.join(" "), /grove (status|health|topology|diag)/);
  }
});
