// rollout status on a paused set: the next command depends on who paused it.
import { assertStringIncludes } from "../../helpers/assert.ts";
import { progressiveNextStep } from "../../../tasks/rollout/status_report.ts";

Deno.test("progressiveNextStep: plain pause resumes; progressive phases name their own next step", () => {
  assertStringIncludes(progressiveNextStep(undefined, "p"), "kubectl grove rollout resume p");
  assertStringIncludes(progressiveNextStep("not json", "p"), "kubectl grove rollout resume p");
  const canary = progressiveNextStep({ kind: "canary", phase: "Canary" }, "p");
  assertStringIncludes(canary, "kubectl grove rollout promote p");
  assertStringIncludes(canary, "kubectl grove rollout abort p");
  assertStringIncludes(
    progressiveNextStep({ kind: "gated", phase: "Stopped" }, "p"),
    "gated rollout stopped",
  );
  assertStringIncludes(
    progressiveNextStep({ kind: "rack-by-rack", phase: "RollingBack" }, "p"),
    "let it finish with kubectl grove rollout resume p",
  );
  assertStringIncludes(
    progressiveNextStep({ kind: "rack-by-rack", phase: "Progressing" }, "p"),
    "continue with kubectl grove rollout resume p",
  );
});
