import { assertEquals } from "../../helpers/assert.ts";
import { tarGz } from "../../../lib/archive/tar.ts";

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
