// Golden output of `status` for every recorded scenario, in table, wide and
// json form, at the scenario's recordedAt (pure functions, no network).
import { toJson } from "../../../lib/render/output.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { renderStatus } from "../../../tasks/status/render.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { scenarioReport, SCENARIOS } from "./_helpers.ts";

for (const [scenario, ref] of Object.entries(SCENARIOS)) {
  const [pcs, namespace] = ref.split("/").reverse();
  Deno.test(`status golden: ${scenario} (${ref}) table, wide, json`, async () => {
    const r = await scenarioReport(scenario, { name: pcs, ...(namespace ? { namespace } : {}) });
    await assertGolden(`${scenario}/status.table`, renderStatus(r, { style: PLAIN }));
    await assertGolden(`${scenario}/status.wide`, renderStatus(r, { style: PLAIN, wide: true }));
    await assertGolden(`${scenario}/status.json`, toJson(r));
  });

  Deno.test(`status golden: ${scenario} --all -A table and wide`, async () => {
    const r = await scenarioReport(scenario, {
      all: true,
      allNamespaces: true,
      namespace: undefined,
    });
    await assertGolden(`${scenario}/status.all.table`, renderStatus(r, { style: PLAIN }));
    await assertGolden(
      `${scenario}/status.all.wide`,
      renderStatus(r, { style: PLAIN, wide: true }),
    );
  });
}
