/**
 * Tiny path helpers for kubeconfig handling (no `node:path`, which costs
 * start-up time): home directory, list separator, absolute checks, joins.
 *
 * @module
 */

/** True on Windows. */
export const isWindows: boolean = Deno.build.os === "windows";

/** The separator of a `KUBECONFIG` list: `;` on Windows, `:` elsewhere. */
export const listSeparator: string = isWindows ? ";" : ":";

/** True when `p` is an absolute path (`/x`, `C:\x`, `\\server\x`). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith("\\\\");
}

/** The directory part of a path (`.` when there is none). */
export function dirName(p: string): string {
  const i = Math.max(p.lastIndexOf("/"), isWindows ? p.lastIndexOf("\\") : -1);
  if (i < 0) return ".";
  if (i === 0) return "/";
  return p.slice(0, i);
}

/** Resolves `p` against `baseDir` unless it is absolute or empty; expands a leading `~/`. */
export function resolvePath(baseDir: string, p: string, home?: string): string {
  if (!p) return p;
  if (home && (p === "~" || p.startsWith("~/"))) return home + p.slice(1);
  if (isAbsolutePath(p)) return p;
  const sep = isWindows ? "\\" : "/";
  const base = baseDir.endsWith("/") || baseDir.endsWith("\\") ? baseDir.slice(0, -1) : baseDir;
  return `${base}${sep}${p.startsWith("./") ? p.slice(2) : p}`;
}

/** The user's home directory from the environment, or undefined. */
export function homeDir(env: Record<string, string | undefined>): string | undefined {
  return env.HOME || env.USERPROFILE || undefined;
}
