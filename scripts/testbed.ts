/**
 * `deno task testbed [scenario]`: builds the real test bed (Go, cached),
 * starts it, loads a scenario (default `healthy`; `none` for an empty
 * cluster) and prints `export KUBECONFIG=...`. Runs until Ctrl-C.
 *
 * @module
 */

import { buildTestbed, startTestbed } from "../testbed/ts/bed.ts";

const arg = Deno.args[0] ?? "healthy";
if (arg === "-h" || arg === "--help") {
  console.log(
    "usage: deno task testbed [scenario|none|--build]   (scenarios: healthy, fragmented, rollout, ...)",
  );
  Deno.exit(0);
}
const log = (l: string) => console.error(`testbed: ${l}`);
try {
  const ms = await buildTestbed(log);
  log(`build took ${(ms / 1000).toFixed(1)} s`);
  if (arg === "--build") Deno.exit(0);
  const bed = await startTestbed({ scenario: arg === "none" ? undefined : arg, log });
  log(
    `ready in ${bed.timings.startMs} ms; contexts: testbed (admin), testbed-viewer, testbed-ns-user (namespace ${bed.userNamespace})`,
  );
  console.log(`export KUBECONFIG=${bed.kubeconfig}`);
  const stop = async () => {
    log("stopping");
    await bed.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
} catch (e) {
  console.error(`testbed: ${(e as Error).message}`);
  Deno.exit(1);
}
