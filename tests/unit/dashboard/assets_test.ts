// The committed bundle (tasks/dashboard/assets.gen.ts) is what
// scripts/build_dashboard.ts builds from dashboard/ui/ now.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { buildDashboardAssets, OUT } from "../../../scripts/build_dashboard.ts";
import { ASSET_BYTES, ASSETS } from "../../../tasks/dashboard/assets.gen.ts";

Deno.test("dashboard assets: the committed bundle matches a build of dashboard/ui/", async () => {
  const built = await buildDashboardAssets();
  const committed = await Deno.readTextFile(OUT);
  assert(
    built === committed,
    "tasks/dashboard/assets.gen.ts is out of date: run deno run -A scripts/build_dashboard.ts",
  );
});

Deno.test("dashboard assets: index, script and styles, within budget", () => {
  assertEquals(Object.keys(ASSETS).sort(), ["/app.css", "/app.js", "/index.html"]);
  assert(ASSETS["/index.html"].body.includes('src="/app.js"'));
  // the frontend stays small: preact + htm + uPlot + our views
  assert(ASSET_BYTES < 160_000, `${ASSET_BYTES} bytes of assets`);
});
