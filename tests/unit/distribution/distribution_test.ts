import { runScript } from "../../helpers/spawn.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../../helpers/assert.ts";
import { yamlLoad } from "../../../lib/deps.ts";
import {
  archiveName,
  fillManifest,
  type KrewManifest,
  validateManifest,
} from "../../../scripts/release.ts";
import {
  buildInfoSource,
  isRuntimeDownloadFailure,
  parseArgs,
  TARGETS,
} from "../../../scripts/compile.ts";
import { runCli } from "../../helpers/cli.ts";
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

Deno.test("krew validation rejects fields krew's strict decoding would refuse", () => {
  const bad = structuredClone(template) as KrewManifest & { spec: { license?: string } };
  bad.spec.license = "Apache-2.0";
  (bad.spec.platforms[1] as unknown as Record<string, unknown>).sha = "x";
  bad.spec.platforms[2].files.push({ from: "LICENSE", to: "../../etc" });
  const problems = validateManifest(bad).filter((p) => !/sha256 must/.test(p));
  assertEquals(problems, [
    "spec.license is not a krew manifest field",
    "spec.platforms[1].sha is not a krew manifest field",
    "spec.platforms[2].files[3].to must stay inside the plugin directory",
  ]);
});

Deno.test("deno task release packs dist/<os>-<arch>/, fills sha256 and URIs, writes a valid manifest", async () => {
  const dist = await Deno.makeTempDir();
  try {
    const targets = Object.keys(TARGETS);
    for (const t of targets) {
      const exe = t.startsWith("windows") ? ".exe" : "";
      await Deno.mkdir(`${dist}/${t}`);
      await Deno.writeTextFile(`${dist}/${t}/kubectl-grove${exe}`, `binary for ${t}\n`);
      await Deno.writeTextFile(
        `${dist}/${t}/kubectl_complete-grove${exe ? ".cmd" : ""}`,
        `hook for ${t}\n`,
      );
      await Deno.writeTextFile(`${dist}/${t}/LICENSE`, "license\n");
    }
    const release = (args: string[]) =>
      runScript("scripts/release.ts", args, {
        permissions: ["--allow-read", "--allow-write", "--allow-run=tar"],
        cwd: decodeURIComponent(root.pathname),
      });
    const out = await release([
      "--version",
      "v1.2.3",
      "--base-url",
      "https://dl.example/grove/",
      "--dist",
      dist,
    ]);
    const stderr = out.stderr;
    assertEquals(out.code, 0, stderr);
    assertEquals(out.stdout.trim(), `${dist}/grove.yaml`);
    const m = yamlLoad(await Deno.readTextFile(`${dist}/grove.yaml`)) as KrewManifest;
    assertEquals(validateManifest(m), []);
    assertEquals(m.spec.version, "v1.2.3");
    for (const p of m.spec.platforms) {
      const { os, arch } = p.selector.matchLabels;
      const name = archiveName("v1.2.3", os, arch);
      assertEquals(p.uri, `https://dl.example/grove/v1.2.3/${name}`);
      const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(`${dist}/${name}`));
      assertEquals(
        p.sha256,
        [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""),
      );
      const list = await new Deno.Command("tar", { args: ["-tzf", `${dist}/${name}`] }).output();
      assertEquals(
        new TextDecoder().decode(list.stdout).trim().split("\n").sort(),
        p.files.map((f) => f.from).sort(),
      );
    }
    // a missing build: the step to run is named, nothing is written
    await Deno.remove(`${dist}/darwin-arm64`, { recursive: true });
    await Deno.remove(`${dist}/grove.yaml`);
    const partial = await release(["--version", "v1.2.3", "--dist", dist]);
    assertEquals(partial.code, 1);
    const msg = partial.stderr;
    assertMatch(
      msg,
      /darwin-arm64\/kubectl-grove is missing; run: deno task compile --target darwin-arm64/,
    );
    await assertRejects(() => Deno.stat(`${dist}/grove.yaml`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dist, { recursive: true });
  }
});

Deno.test("version: build facts read dev from source; compile bakes commit and date in the same shape", async () => {
  const source = await Deno.readTextFile(new URL("lib/build_info.ts", root));
  // the checked-in file is exactly what compile writes for a dev build: no left-over release facts
  assertEquals(buildInfoSource("dev", "dev"), source);
  const baked = buildInfoSource("0123456789ab", "2026-11-23T10:00:00Z");
  const mod = await import(`data:application/typescript;base64,${btoa(baked)}`);
  assertEquals([mod.BUILD_COMMIT, mod.BUILD_DATE], ["0123456789ab", "2026-11-23T10:00:00Z"]);
  const r = await runCli(["version", "-o", "json"]);
  const v = JSON.parse(r.stdout);
  assertEquals([v.version, v.commit, v.buildDate], [VERSION, "dev", "dev"]);
  assertMatch(
    (await runCli(["version"])).stdout,
    /^kubectl-grove \d+\.\d+\.\d+ \(commit dev, built dev\)$/m,
  );
});

Deno.test("k9s plugins: every kubectl grove command line parses with the flags it uses", async () => {
  const doc = yamlLoad(await Deno.readTextFile(new URL("integrations/k9s/plugins.yaml", root))) as {
    plugins: Record<string, { command: string; args: string[] }>;
  };
  const { buildProgram } = await import("../../../cli/main.ts");
  const { CliContext } = await import("../../../cli/context.ts");
  const program = buildProgram(
    new CliContext({
      stdout: () => {},
      stderr: () => {},
      stdoutIsTTY: false,
      stdinIsTTY: false,
      readLine: () => Promise.resolve(null),
      env: () => undefined,
    }),
  );
  for (const [name, p] of Object.entries(doc.plugins)) {
    const line = p.command === "kubectl"
      ? p.args
      : (/kubectl (grove [^|;]*)/.exec(p.args.join(" "))?.[1] ?? "").trim().split(/\s+/)
        .map((w) => w.replace(/^"|"$/g, ""));
    assertEquals(line[0], "grove", name);
    const sub = program.commands.find((c) => c.name() === line[1]);
    assert(sub, `${name}: no command ${line[1]}`);
    const flags = [...program.options, ...sub.options].flatMap((o) => [o.long, o.short]);
    for (const w of line.slice(2).filter((w) => w.startsWith("-"))) {
      assert(flags.includes(w), `${name}: ${line[1]} has no flag ${w}`);
    }
    assert(
      line.includes("$NAME") && line.includes("$NAMESPACE") && line.includes("$CONTEXT"),
      name,
    );
  }
});
