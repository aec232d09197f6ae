/**
 * diag, step 3: collect, build the bundle, write it privately (0700
 * directory, 0600 files) or as a `.tar.gz`, never over an existing path.
 *
 * @module
 */

import { tarGz } from "../../lib/archive/tar.ts";
import { GroveError } from "../../lib/errors.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { buildBundle, type Bundle } from "./bundle.ts";
import { collectDiag, type DiagOptions } from "./collect.ts";

/** Options of {@link diag}. */
export interface DiagRunOptions extends DiagOptions {
  /** Output directory (the bundle itself); default `grove-diagnostics-<timestamp>`. */
  outputDir?: string;
  /** Write `<outputDir>.tar.gz` instead of a directory. */
  archive?: boolean;
  /** Rendered reports to include (status, health, topology), computed by the caller. */
  reports?: (objects: Record<string, unknown[]>) => Promise<{ file: string; text: string }[]>;
  /** Clock, for tests. */
  now?: () => Date;
}

/** What {@link diag} wrote. */
export interface DiagResult {
  /** The directory or archive written. */
  path: string;
  /** The files written and the problems found. */
  bundle: Bundle;
}

/** `20261123T093000Z` */
export function timestampForName(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Collects a diagnostics bundle and writes it.
 *
 * @example
 * ```ts
 * // const kube = await connect({});
 * // const { path } = await diag(kube, { namespace: "inference", operatorNamespace: "grove-system", sinceMs: 600_000 });
 * ```
 */
export async function diag(kube: Kube, opts: DiagRunOptions): Promise<DiagResult> {
  const now = opts.now?.() ?? new Date();
  const dir = opts.outputDir ?? `grove-diagnostics-${timestampForName(now)}`;
  const target = opts.archive ? `${dir.replace(/\/+$/, "")}.tar.gz` : dir;
  const alreadyExists = () =>
    new GroveError(`output path ${target} already exists; diag never overwrites`, {
      hint: "choose another path with -o, or move the old bundle away",
    });
  // fail before collecting, not after
  const slash = target.replace(/\/+$/, "").lastIndexOf("/");
  const parent = slash > 0 ? target.slice(0, slash) : slash === 0 ? "/" : ".";
  const parentInfo = await Deno.stat(parent).catch(() => undefined);
  if (!parentInfo?.isDirectory) {
    throw new GroveError(
      `cannot create ${target}: its parent directory ${parent} ${
        parentInfo ? "is not a directory" : "does not exist"
      }`,
      {
        hint: parentInfo
          ? "choose another path with -o"
          : `create ${parent} first, or choose another path with -o`,
      },
    );
  }
  if (await exists(target)) throw alreadyExists();
  const collection = await collectDiag(kube, opts);
  let reports: { file: string; text: string }[] = [];
  if (opts.reports) {
    try {
      reports = await opts.reports(collection.objects);
    } catch (e) {
      collection.collectors.push({
        name: "reports",
        ok: false,
        count: 0,
        error: (e as Error).message,
      });
    }
  }
  const bundle = buildBundle(collection, {
    recordedAt: now,
    contextName: kube.contextName,
    server: kube.server,
    namespace: opts.namespace,
    allNamespaces: !!opts.allNamespaces,
    pcs: opts.pcs,
    sinceMs: opts.sinceMs,
    events: opts.events,
    reports,
  });
  const enc = new TextEncoder();
  if (opts.archive) {
    const top = dir.replace(/\/+$/, "").split("/").pop()!;
    const dirs = new Set<string>([top]);
    for (const f of bundle.files.keys()) {
      const parts = f.split("/");
      for (let i = 1; i < parts.length; i++) dirs.add(`${top}/${parts.slice(0, i).join("/")}`);
    }
    const entries = [
      ...[...dirs].sort().map((d) => ({ path: d, mode: 0o700, mtime: now })),
      ...[...bundle.files].map(([f, text]) => ({
        path: `${top}/${f}`,
        data: enc.encode(text),
        mode: 0o600,
        mtime: now,
      })),
    ];
    await Deno.writeFile(target, await tarGz(entries, now), { createNew: true, mode: 0o600 })
      .catch((e) => {
        throw e instanceof Deno.errors.AlreadyExists ? alreadyExists() : e;
      });
    await Deno.chmod(target, 0o600);
  } else {
    await Deno.mkdir(dir, { recursive: false, mode: 0o700 }).catch((e) => {
      if (e instanceof Deno.errors.AlreadyExists) throw alreadyExists();
      if (e instanceof Deno.errors.NotFound) {
        throw new GroveError(`cannot create ${dir}: its parent directory does not exist`);
      }
      throw e;
    });
    await Deno.chmod(dir, 0o700);
    for (const [f, text] of bundle.files) {
      const path = `${dir}/${f}`;
      const parent = path.slice(0, path.lastIndexOf("/"));
      await Deno.mkdir(parent, { recursive: true, mode: 0o700 });
      await Deno.writeFile(path, enc.encode(text), { createNew: true, mode: 0o600 });
      await Deno.chmod(path, 0o600);
    }
    for await (const d of walkDirs(dir)) await Deno.chmod(d, 0o700);
  }
  return { path: target, bundle };
}

async function* walkDirs(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      yield `${dir}/${e.name}`;
      yield* walkDirs(`${dir}/${e.name}`);
    }
  }
}
