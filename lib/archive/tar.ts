/**
 * A small, dependency-free writer of gzip-compressed POSIX ustar archives,
 * enough for diagnostics bundles (regular files and directories, names up to
 * 255 bytes, modes preserved).
 *
 * @module
 */

/** One archive member. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  path: string;
  /** File contents; absent for a directory. */
  data?: Uint8Array;
  /** Permission bits (default 0o600 for files, 0o700 for directories). */
  mode?: number;
  /** Modification time (default: the epoch of `mtime` given to {@link tar}). */
  mtime?: Date;
}

const enc = new TextEncoder();

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function splitName(path: string): [string, string] {
  const bytes = enc.encode(path);
  if (bytes.length <= 100) return [path, ""];
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(name).length <= 100) return [name, prefix];
  }
  throw new Error(`path too long for a tar archive: ${path}`);
}

function header(entry: TarEntry, size: number, isDir: boolean, mtime: Date): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, off: number, len: number) => h.set(enc.encode(s).subarray(0, len), off);
  const [name, prefix] = splitName(
    isDir && !entry.path.endsWith("/") ? entry.path + "/" : entry.path,
  );
  put(name, 0, 100);
  put(octal(entry.mode ?? (isDir ? 0o700 : 0o600), 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor((entry.mtime ?? mtime).getTime() / 1000), 12), 136, 12);
  put("        ", 148, 8);
  put(isDir ? "5" : "0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return h;
}

/** Builds an uncompressed ustar archive. */
export function tar(entries: TarEntry[], mtime = new Date(0)): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const isDir = e.data === undefined;
    const size = e.data?.length ?? 0;
    parts.push(header(e, size, isDir, mtime));
    if (e.data) {
      parts.push(e.data);
      const padding = (512 - (size % 512)) % 512;
      if (padding) parts.push(new Uint8Array(padding));
    }
  }
  parts.push(new Uint8Array(1024));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Builds a `.tar.gz` in memory.
 *
 * @example
 * ```ts
 * import { tarGz } from "./tar.ts";
 * const bytes = await tarGz([{ path: "a/b.txt", data: new TextEncoder().encode("hi") }]);
 * ```
 */
export async function tarGz(entries: TarEntry[], mtime = new Date(0)): Promise<Uint8Array> {
  const stream = new Blob([tar(entries, mtime) as BlobPart]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** One member read back from an archive. */
export interface UntarEntry {
  /** Path inside the archive, `/`-separated, without a trailing slash. */
  path: string;
  /** Contents; absent for a directory. */
  data?: Uint8Array;
  /** Permission bits. */
  mode: number;
}

const dec = new TextDecoder();

function field(h: Uint8Array, off: number, len: number): string {
  const raw = h.subarray(off, off + len);
  const nul = raw.indexOf(0);
  return dec.decode(nul < 0 ? raw : raw.subarray(0, nul));
}

/**
 * Reads a ustar archive (regular files and directories; PAX and GNU long
 * name headers are honoured for names, other entry types are skipped).
 * Throws on a truncated archive or a bad header checksum.
 */
export function untar(bytes: Uint8Array): UntarEntry[] {
  const out: UntarEntry[] = [];
  let longName: string | undefined;
  for (let off = 0; off + 512 <= bytes.length;) {
    const h = bytes.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    const stored = parseInt(field(h, 148, 8).trim(), 8);
    if (stored !== sum) throw new Error(`not a tar archive: bad header checksum at byte ${off}`);
    const size = parseInt(field(h, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(h[156] || 48);
    const prefix = field(h, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    longName = undefined;
    const start = off + 512;
    if (start + size > bytes.length) throw new Error(`tar archive truncated in ${name}`);
    const data = bytes.slice(start, start + size);
    off = start + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = dec.decode(data).replace(/\0+$/, "");
    } else if (type === "x") {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(dec.decode(data));
      if (m) longName = m[1];
    } else if (type === "0" || type === "5") {
      out.push({
        path: name.replace(/^\.\//, "").replace(/\/+$/, ""),
        data: type === "0" ? data : undefined,
        mode: parseInt(field(h, 100, 8).trim() || "0", 8) & 0o777,
      });
    }
  }
  return out;
}

/** Decompresses and reads a `.tar.gz`. */
export async function untarGz(bytes: Uint8Array): Promise<UntarEntry[]> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return untar(new Uint8Array(await new Response(stream).arrayBuffer()));
}
