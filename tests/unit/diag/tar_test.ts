import { assertEquals, assertMatch, assertRejects, assertThrows } from "../../helpers/assert.ts";
import { tar, tarGz, untar, untarGz } from "../../../lib/archive/tar.ts";

Deno.test("tarGz writes an archive that system tar lists and extracts, modes kept", async () => {
  const enc = new TextEncoder();
  const long = "deep/".repeat(30) + "file.txt"; // > 100 bytes: uses the ustar prefix
  const bytes = await tarGz([
    { path: "b", mode: 0o700 },
    { path: "b/summary.md", data: enc.encode("# hi\n"), mode: 0o600 },
    { path: "b/empty.txt", data: new Uint8Array(0), mode: 0o600 },
    { path: `b/${long}`, data: enc.encode("x".repeat(1000)), mode: 0o600 },
  ], new Date("2026-11-01T12:00:00Z"));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/a.tar.gz`, bytes);
    const out = await new Deno.Command("tar", { args: ["-xzf", "a.tar.gz"], cwd: dir }).output();
    assertEquals(out.success, true, new TextDecoder().decode(out.stderr));
    assertEquals(await Deno.readTextFile(`${dir}/b/summary.md`), "# hi\n");
    assertEquals(await Deno.readTextFile(`${dir}/b/empty.txt`), "");
    assertEquals((await Deno.readTextFile(`${dir}/b/${long}`)).length, 1000);
    assertEquals((await Deno.stat(`${dir}/b/summary.md`)).mode! & 0o777, 0o600);
    assertEquals(
      (await Deno.stat(`${dir}/b/summary.md`)).mtime?.toISOString(),
      "2026-11-01T12:00:00.000Z",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("untarGz reads back what tarGz wrote, and what system tar writes (GNU long names)", async () => {
  const enc = new TextEncoder();
  const long = "deep/".repeat(30) + "file.txt";
  const entries = await untarGz(
    await tarGz([
      { path: "b", mode: 0o700 },
      { path: "b/summary.md", data: enc.encode("# hi\n"), mode: 0o600 },
      { path: `b/${long}`, data: enc.encode("x".repeat(1000)), mode: 0o640 },
    ]),
  );
  assertEquals(entries.map((e) => [e.path, e.mode, e.data?.length]), [
    ["b", 0o700, undefined],
    ["b/summary.md", 0o600, 5],
    [`b/${long}`, 0o640, 1000],
  ]);
  const dir = await Deno.makeTempDir();
  try {
    const name = "n".repeat(120) + ".txt"; // GNU tar writes a ././@LongLink entry for it
    await Deno.mkdir(`${dir}/src`);
    await Deno.writeTextFile(`${dir}/src/${name}`, "long");
    await Deno.writeTextFile(`${dir}/src/meta.json`, "{}");
    const out = await new Deno.Command("tar", { args: ["-czf", "a.tgz", "src"], cwd: dir })
      .output();
    assertEquals(out.success, true);
    const read = await untarGz(await Deno.readFile(`${dir}/a.tgz`));
    const files = read.filter((e) => e.data).map((e) => [e.path, new TextDecoder().decode(e.data)]);
    assertEquals(files.sort(), [["src/meta.json", "{}"], [`src/${name}`, "long"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("untar rejects a corrupt header and a truncated archive", async () => {
  const bytes = tar([{ path: "a.txt", data: new TextEncoder().encode("x".repeat(600)) }]);
  const bad = bytes.slice();
  bad[10] ^= 0xff;
  assertMatch(assertThrows(() => untar(bad)).message, /bad header checksum/);
  assertMatch(assertThrows(() => untar(bytes.slice(0, 700))).message, /truncated/);
  await assertRejects(() => untarGz(new TextEncoder().encode("not gzip")));
});
