import { assertEquals, assertMatch, assertRejects } from "../../helpers/assert.ts";
import { openBundle } from "../../../tasks/diag/open.ts";
import { tarGz } from "../../../lib/archive/tar.ts";
import { GroveError } from "../../../lib/errors.ts";

const enc = new TextEncoder();

Deno.test("openBundle: a relative directory becomes absolute, a fixture name stays a name", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/healthy`);
    // a local directory wins over the fixture of the same name
    assertEquals((await openBundle("healthy", dir)).scenario, `${dir}/healthy`);
    assertEquals((await openBundle("./healthy/", dir)).scenario, `${dir}/./healthy`);
    assertEquals((await openBundle("fragmented", dir)).scenario, "fragmented");
    const e = await assertRejects(() => openBundle("./missing", dir), GroveError);
    assertMatch(e.message, /bundle \.\/missing does not exist/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openBundle unpacks a diag --archive privately and cleans up", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(
      `${dir}/b.tar.gz`,
      await tarGz([
        { path: "b" },
        { path: "b/meta.json", data: enc.encode('{"recordedAt":"2026-01-01T00:00:00Z"}') },
        { path: "b/resources/pods.yaml", data: enc.encode("") },
      ]),
    );
    const b = await openBundle(`${dir}/b.tar.gz`);
    assertMatch(b.scenario, /kubectl-grove-replay-[^/]+\/b$/);
    assertEquals(
      await Deno.readTextFile(`${b.scenario}/meta.json`),
      '{"recordedAt":"2026-01-01T00:00:00Z"}',
    );
    assertEquals((await Deno.stat(`${b.scenario}/resources/pods.yaml`)).mode! & 0o777, 0o600);
    await b.cleanup();
    await assertRejects(() => Deno.stat(b.scenario), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openBundle refuses files that are not bundles, and unsafe archive paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "x");
    await Deno.writeTextFile(`${dir}/bad.tar.gz`, "not gzip");
    await Deno.writeFile(
      `${dir}/evil.tar.gz`,
      await tarGz([{ path: "../escape.txt", data: enc.encode("x") }]),
    );
    await Deno.writeFile(
      `${dir}/empty.tar.gz`,
      await tarGz([{ path: "x/readme.txt", data: enc.encode("x") }]),
    );
    const cases: [string, RegExp][] = [
      ["notes.txt", /is a file but not a \.tar\.gz archive/],
      ["bad.tar.gz", /cannot be read: not a gzip-compressed tar archive/],
      ["evil.tar.gz", /unsafe path "\.\.\/escape\.txt"/],
      ["empty.tar.gz", /is not a diag bundle: no meta\.json/],
    ];
    for (const [file, re] of cases) {
      const e = await assertRejects(() => openBundle(`${dir}/${file}`), GroveError);
      assertMatch(e.message, re);
    }
    await assertRejects(() => Deno.stat(`${dir}/../escape.txt`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
