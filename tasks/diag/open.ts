/**
 * Opens a diag bundle for `--replay` and `deno task sim --from`: a bundle
 * directory (relative paths included, which a bare name would otherwise
 * take for a fixture scenario), a `.tar.gz` written by `diag --archive`
 * (unpacked into a private temporary directory), or a fixture scenario name.
 *
 * @module
 */

import { untarGz } from "../../lib/archive/tar.ts";
import { GroveError } from "../../lib/errors.ts";

/** An opened bundle: what to give `startSimCluster` as `scenario`, and how to clean up. */
export interface OpenedBundle {
  /** Absolute directory of the bundle, or a fixture scenario name. */
  scenario: string;
  /** Removes the temporary directory of an unpacked archive (no-op otherwise). */
  cleanup(): Promise<void>;
}

const HINT =
  "give the directory or .tar.gz that `kubectl grove diag` wrote, or a scenario name (healthy, fragmented, ...)";

function absolute(path: string, cwd: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${cwd.replace(/[\\/]+$/, "")}/${path}`;
}

async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Resolves `path` (relative to `cwd`) to something `startSimCluster({ scenario })` can load.
 *
 * @example
 * ```ts
 * import { openBundle } from "./open.ts";
 * const b = await openBundle("healthy"); // a fixture name stays a name
 * await b.cleanup();
 * ```
 */
export async function openBundle(path: string, cwd = Deno.cwd()): Promise<OpenedBundle> {
  const none = { cleanup: () => Promise.resolve() };
  const info = await statOrUndefined(absolute(path, cwd));
  if (!info) {
    if (/^[a-z0-9][a-z0-9_-]*$/i.test(path)) return { scenario: path, ...none };
    throw new GroveError(`bundle ${path} does not exist`, { hint: HINT });
  }
  if (info.isDirectory) return { scenario: absolute(path, cwd).replace(/[\\/]+$/, ""), ...none };
  if (!/\.(tar\.gz|tgz)$/i.test(path)) {
    throw new GroveError(`bundle ${path} is a file but not a .tar.gz archive`, { hint: HINT });
  }
  let entries;
  try {
    entries = await untarGz(await Deno.readFile(absolute(path, cwd)));
  } catch (e) {
    throw new GroveError(
      `bundle ${path} cannot be read: not a gzip-compressed tar archive (${(e as Error).message})`,
      { hint: "write it with `kubectl grove diag --archive`, or unpack it and give the directory" },
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "kubectl-grove-replay-" });
  const cleanup = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    for (const e of entries) {
      const parts = e.path.split("/");
      if (!e.path || e.path.startsWith("/") || parts.includes("..") || /^[A-Za-z]:/.test(e.path)) {
        throw new GroveError(`bundle ${path} holds an unsafe path "${e.path}"; not unpacked`);
      }
      const target = `${dir}/${e.path}`;
      if (e.data === undefined) {
        await Deno.mkdir(target, { recursive: true, mode: 0o700 });
      } else {
        await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), {
          recursive: true,
          mode: 0o700,
        });
        await Deno.writeFile(target, e.data, { mode: 0o600 });
      }
    }
    const metas = entries.filter((e) => e.data && /^([^/]+\/)?meta\.json$/.test(e.path));
    if (metas.length !== 1) {
      throw new GroveError(
        `bundle ${path} is not a diag bundle: ${
          metas.length ? "it holds several" : "no"
        } meta.json at its top`,
        { hint: HINT },
      );
    }
    const top = metas[0].path.includes("/") ? `/${metas[0].path.split("/")[0]}` : "";
    return { scenario: `${dir}${top}`, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
