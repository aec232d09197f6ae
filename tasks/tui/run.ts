/**
 * One session of the terminal UI over a connected client: lists and
 * watches once (errors are reported before the screen opens), then draws
 * the ink app on the alternate screen until `q`, Ctrl-C or SIGTERM. The
 * terminal is restored on every way out, a crash included.
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { type InkModule, loadInk, makeApp } from "./app.ts";
import { TuiController } from "./controller.ts";
import { type ColorScheme, paletteFor } from "./lines.ts";
import { tuiMetricsCollector } from "./metrics_source.ts";
import { type SourceEvent, type TuiScope, watchTrouble, watchTuiObjects } from "./source.ts";
import { restoreTerminal } from "./terminal.ts";

/** Timings of one TUI session, for the benchmark. */
export interface TuiTimings {
  /** Start of `runTui` (epoch ms). */
  startedAt: number;
  /** First snapshot received. */
  firstSnapshotAt?: number;
  /** First full screen written. */
  firstFrameAt?: number;
}

/** Test and benchmark hooks of {@link runTuiSession}. */
export interface TuiSessionHooks {
  /** Called once the first full screen is drawn. */
  onFirstFrame?: (t: TuiTimings) => void;
  /** Stops the session (like `q`). */
  signal?: AbortSignal;
  /** Streams for ink (default: the process's). */
  stdout?: NodeJS.WriteStream;
  /** Standard input for ink. */
  stdin?: NodeJS.ReadStream;
}

/** Settings of a session. */
export interface TuiSessionOptions {
  /** Where to look. */
  scope: TuiScope;
  /** `tui.color_scheme`. */
  colorScheme: ColorScheme;
  /** `tui.refresh_interval`, ms. */
  refreshMs: number;
  /** Scrape timeout, ms. */
  scrapeTimeoutMs: number;
  /** `metrics.port`. */
  metricsPort?: number;
  /** Environment (NO_COLOR, TERM, COLORFGBG). */
  env: (name: string) => string | undefined;
}

/**
 * One TUI session over a connected client: the first list happens before
 * the screen opens (its errors are thrown as usual), the rest inside.
 */
export async function runTuiSession(
  kube: Kube,
  o: TuiSessionOptions,
  hooks: TuiSessionHooks = {},
): Promise<TuiTimings> {
  const timings: TuiTimings = { startedAt: Date.now() };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  hooks.signal?.addEventListener("abort", onAbort, { once: true });
  const inkP = loadInk();
  inkP.catch(() => {});
  const source = watchTuiObjects(kube, o.scope, { signal: stop.signal });
  let ink: InkModule;
  let first: IteratorResult<SourceEvent>;
  try {
    first = await source.next();
    ink = await inkP;
  } catch (e) {
    stop.abort();
    hooks.signal?.removeEventListener("abort", onAbort);
    throw e;
  }
  if (first.done) return timings;
  timings.firstSnapshotAt = Date.now();
  const size = terminalSize();
  const { palette } = paletteFor(o.colorScheme, o.env);
  let quit = () => {};
  const controller = new TuiController({
    kube,
    scope: o.scope,
    context: kube.contextName,
    server: kube.server,
    unicode: o.env("TERM") !== "dumb",
    size,
    refreshMs: o.refreshMs,
    collectMetrics: tuiMetricsCollector(kube, {
      timeoutMs: o.scrapeTimeoutMs,
      fallbackPort: o.metricsPort,
    }),
    onQuit: () => quit(),
  });
  controller.onSource(first.value);

  const crash = () => restoreTerminal();
  globalThis.addEventListener("error", crash);
  globalThis.addEventListener("unhandledrejection", crash);
  const onResize = () => {
    const s = terminalSize();
    controller.resize(s.columns, s.rows);
  };
  const signals: [Deno.Signal, () => void][] = [["SIGWINCH", onResize], ["SIGTERM", onAbort]];
  for (const [sig, fn] of signals) {
    try {
      Deno.addSignalListener(sig, fn);
    } catch {
      // not supported on this platform
    }
  }
  const tick = setInterval(() => {
    controller.setWatchTrouble(watchTrouble(kube.requests.slice(-300)));
    controller.tick();
  }, 1000);
  let instance: ReturnType<InkModule["inkRender"]> | undefined;
  try {
    const App = makeApp(ink, controller, palette);
    let drawn = false;
    instance = ink.inkRender(ink.React.createElement(App), {
      exitOnCtrlC: false,
      // ink treats any CI=... environment as non-interactive (it then draws
      // only the last frame on exit); the tui runs only on a terminal (checked
      // above), so ask for the interactive renderer whenever stdout is one.
      interactive: hooks.stdout ? Boolean(hooks.stdout.isTTY) : true,
      alternateScreen: true,
      patchConsole: true,
      maxFps: 20,
      ...(hooks.stdout ? { stdout: hooks.stdout } : {}),
      ...(hooks.stdin ? { stdin: hooks.stdin } : {}),
      onRender: () => {
        if (drawn) return;
        drawn = true;
        timings.firstFrameAt = Date.now();
        hooks.onFirstFrame?.(timings);
      },
    });
    const inst = instance;
    quit = () => inst.unmount();
    stop.signal.addEventListener("abort", quit, { once: true });
    // Pump the source into the controller until the screen closes.
    const pump = (async () => {
      try {
        for await (const ev of { [Symbol.asyncIterator]: () => source }) controller.onSource(ev);
      } catch (e) {
        if (!stop.signal.aborted) {
          controller.onSource({
            type: "stale",
            since: Date.now(),
            reason: e instanceof Error ? e.message : String(e),
            retryInMs: 0,
          });
        }
      }
    })();
    await inst.waitUntilExit();
    stop.abort();
    await pump;
    if (controller.failure !== undefined) throw controller.failure;
  } finally {
    stop.abort();
    clearInterval(tick);
    controller.close();
    instance?.unmount();
    for (const [sig, fn] of signals) {
      try {
        Deno.removeSignalListener(sig, fn);
      } catch {
        // not registered
      }
    }
    hooks.signal?.removeEventListener("abort", onAbort);
    globalThis.removeEventListener("error", crash);
    globalThis.removeEventListener("unhandledrejection", crash);
    restoreTerminal();
  }
  return timings;
}

function terminalSize(): { columns: number; rows: number } {
  try {
    const s = Deno.consoleSize();
    return { columns: s.columns || 80, rows: s.rows || 24 };
  } catch {
    return { columns: 80, rows: 24 };
  }
}
