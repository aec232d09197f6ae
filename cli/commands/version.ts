/** `kubectl grove version`: version, build, Deno and API groups. @module */

import { Command } from "../../lib/deps.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { printOutput } from "../print.ts";
import { API_GROUPS, BUILD_DATE_STRING, COMMIT, VERSION } from "../../lib/version.ts";
import { examples, outputOption } from "../common.ts";
import type { CliContext } from "../context.ts";

/** The typed answer of `version -o json`. */
export interface VersionReport {
  apiVersion: string;
  kind: "Version";
  version: string;
  commit: string;
  buildDate: string;
  deno: string;
  v8: string;
  typescript: string;
  apiGroups: string[];
}

/** Builds the version report (pure apart from Deno.version). */
export function versionReport(): VersionReport {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "Version",
    version: VERSION,
    commit: COMMIT,
    buildDate: BUILD_DATE_STRING,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    apiGroups: [...API_GROUPS],
  };
}

/** The `version` command. */
export function versionCommand(ctx: CliContext) {
  return new Command("version")
    .description("print the version, build, Deno version and the API groups spoken")
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText("after", examples(["kubectl grove version", "kubectl grove version -o json"]))
    .action((opts) => {
      const r = versionReport();
      printOutput(ctx, r, opts.output, () =>
        [
          `kubectl-grove ${r.version} (commit ${r.commit}, built ${r.buildDate})`,
          `deno ${r.deno} (v8 ${r.v8}, typescript ${r.typescript})`,
          "API groups:",
          ...r.apiGroups.map((g) => `  ${g}`),
        ].join("\n") + "\n");
    });
}
