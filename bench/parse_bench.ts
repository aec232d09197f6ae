/**
 * How to read a big list (issue 24): all pods of the simulated cluster
 * (25,000 at 10x, about 90 MB of JSON), read five ways, each in a fresh
 * process, with wall time and peak RSS:
 *
 * - `native`: `resp.json()` of the whole body, then each item masked;
 * - `native-nomask`: `resp.json()` only (what the client did before);
 * - `pages`: `limit=500` pages, each `resp.json()` then masked (kubectl's way);
 * - `stream`: the body scanned as it arrives, each item `JSON.parse`d and
 *   masked before the next (`lib/kube/list_stream.ts`, what the client does);
 * - `stream-nomask`: the same scan, items kept whole.
 *
 * `deno run -A bench/parse_bench.ts [--scenario xlarge] [--latency 50] [--runs 3]`.
 * Also used by `bench/run.ts` (`benchParsing`).
 *
 * @module
 */

import { connect } from "../lib/kube/connect.ts";
import { POD_FIELDS } from "../lib/kube/fields.ts";
import { applyMask } from "../lib/kube/list_stream.ts";
import { Resources } from "../lib/kube/resources.ts";

/** The ways of reading a list. */
export const PARSE_MODES = ["native-nomask", "native", "pages", "stream-nomask", "stream"] as const;
/** One way of reading a list. */
export type ParseMode = typeof PARSE_MODES[number];

/** One mode's result. */
export interface ParseResult {
  /** The mode. */
  mode: ParseMode;
  /** Median wall time of the list in the child, ms (after start-up). */
  listMs: number;
  /** Peak RSS of the child process, MB. */
  rssMb: number;
  /** Items read. */
  items: number;
  /** Requests the list took. */
  requests: number;
}

async function child(mode: ParseMode): Promise<void> {
  const kube = await connect({});
  const t0 = performance.now();
  let items = 0;
  if (mode === "native" || mode === "native-nomask") {
    const list = await kube.getRaw<{ items: unknown[] }>("/api/v1/pods");
    const kept = mode === "native" ? list.items.map((o) => applyMask(o, POD_FIELDS)) : list.items;
    items = kept.length;
  } else if (mode === "pages") {
    const kept: unknown[] = [];
    let cont = "";
    do {
      const page = await kube.getRaw<{ items: unknown[]; metadata: { continue?: string } }>(
        `/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`,
      );
      for (const o of page.items) kept.push(applyMask(o, POD_FIELDS));
      cont = page.metadata.continue ?? "";
    } while (cont);
    items = kept.length;
  } else {
    const list = await kube.list(Resources.pods, mode === "stream" ? { fields: POD_FIELDS } : {});
    items = list.items.length;
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, items, requests: kube.requestCount }));
  kube.close();
}

/**
 * Runs every mode `runs` times as a child process against the cluster of
 * `kubeconfigPath`; returns the median list time and the peak RSS of each.
 */
export async function benchParsing(opts: {
  kubeconfigPath: string;
  runs: number;
  modes?: readonly ParseMode[];
}): Promise<ParseResult[]> {
  const out: ParseResult[] = [];
  for (const mode of opts.modes ?? PARSE_MODES) {
    const samples: { ms: number; rss: number; items: number; requests: number }[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const o = await new Deno.Command("/usr/bin/time", {
        args: [
          "-f",
          "@@RSS %M",
          Deno.execPath(),
          "run",
          "-A",
          "--v8-flags=--optimize-for-size",
          "--quiet",
          new URL(import.meta.url).pathname,
          "--child",
          mode,
        ],
        env: { KUBECONFIG: opts.kubeconfigPath },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(o.stderr);
      if (!o.success) throw new Error(`parse bench ${mode} failed: ${err}`);
      const r = JSON.parse(new TextDecoder().decode(o.stdout).trim().split("\n").pop()!);
      const rss = Number(/@@RSS (\d+)/.exec(err)?.[1] ?? 0) / 1024;
      samples.push({ ms: r.ms, rss, items: r.items, requests: r.requests });
    }
    const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
    out.push({
      mode,
      listMs: ms[Math.floor(ms.length / 2)],
      rssMb: Math.max(...samples.map((s) => s.rss)),
      items: samples[0].items,
      requests: samples[0].requests,
    });
  }
  return out;
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Deno.args[i + 1] : undefined;
  };
  const mode = arg("--child");
  if (mode) {
    await child(mode as ParseMode);
  } else {
    const { startSimCluster } = await import("../lib/sim/server.ts");
    const scenario = arg("--scenario") ?? "xlarge";
    const latency = Number(arg("--latency") ?? 0);
    const sim = await startSimCluster({
      scenario,
      faults: latency ? { latencyMs: latency } : undefined,
    });
    try {
      const rows = await benchParsing({
        kubeconfigPath: sim.kubeconfigPath,
        runs: Number(arg("--runs") ?? 3),
      });
      console.log(`pods of the ${scenario} scenario${latency ? `, ${latency} ms latency` : ""}`);
      console.log("MODE            LIST MS   PEAK RSS MB   ITEMS   REQUESTS");
      for (const r of rows) {
        console.log(
          `${r.mode.padEnd(16)}${r.listMs.toFixed(0).padStart(7)}   ${
            r.rssMb.toFixed(0).padStart(11)
          }   ${String(r.items).padStart(5)}   ${String(r.requests).padStart(8)}`,
        );
      }
    } finally {
      await sim.stop();
    }
  }
}
