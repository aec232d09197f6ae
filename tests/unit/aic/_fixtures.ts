/** Paths and texts of the AIConfigurator fixtures (copied from ../shared/aic-samples). @module */

/** The fixture `--save-dir` root. */
export const SAVE_DIR = new URL("../../../fixtures/aic/save-dir/", import.meta.url).pathname
  .replace(/\/$/, "");
/** The run directory inside it. */
export const RUN_DIR =
  `${SAVE_DIR}/Qwen/Qwen3-32B-FP8_h200_sxm_vllm_isl4000_osl1000_ttft2000_tpot30_482913`;
/** The fake aiconfigurator executable. */
export const FAKE_AIC = new URL("../../../fixtures/aic/bin/aiconfigurator", import.meta.url)
  .pathname;

/** Reads a file of the run directory. */
export function runFile(rel: string): string {
  return Deno.readTextFileSync(`${RUN_DIR}/${rel}`);
}

/** Copies the run directory into a fresh temporary directory and returns the copy's path. */
export async function copyRun(): Promise<string> {
  const tmp = await Deno.makeTempDir({ prefix: "aic-test-" });
  const dst = `${tmp}/Qwen3-32B-FP8_h200_sxm_vllm_isl4000_osl1000_ttft2000_tpot30_1`;
  for (
    const rel of [
      "agg/best_config_topn.csv",
      "agg/pareto.csv",
      "disagg/best_config_topn.csv",
      "disagg/pareto.csv",
      "disagg/top1/generator_config.yaml",
    ]
  ) {
    const to = `${dst}/${rel}`;
    await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${RUN_DIR}/${rel}`, to);
  }
  return dst;
}
