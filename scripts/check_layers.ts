/**
 * The layer check of `deno task check`: reads every local `.ts`/`.tsx` file
 * under the given roots (default: the repository), follows their static
 * relative imports (`import ... from`, `export ... from`, `import("...")`
 * with a literal, `import type`), and fails when
 *
 * - a file under `lib/` imports one under `tasks/` or `cli/`,
 * - a file under `tasks/` imports one under `cli/`,
 * - any import cycle exists among the files reached.
 *
 * Each violation is printed with `file:line` and, for a cycle, the whole
 * path. Exit code 0 when clean, 1 when a violation was found, 2 on bad usage.
 *
 * ```sh
 * deno run --allow-read scripts/check_layers.ts
 * deno run --allow-read scripts/check_layers.ts --allow-known=scripts/layers_known.txt
 * ```
 *
 * `--allow-known=<file>` names a file of violations to tolerate, one per line,
 * exactly as printed without the `file:line` part (a transitional escape
 * hatch; the goal is an empty file).
 *
 * @module
 */

/** One import of a local file. */
export interface LocalImport {
  /** The importing file, relative to the root (`/` separators). */
  from: string;
  /** The imported file, relative to the root. */
  to: string;
  /** 1-based line of the import in `from`. */
  line: number;
  /** True for `import("...")`: lazy, but still a dependency. */
  dynamic: boolean;
  /**
   * True for `import type` / `export type` statements: erased at run time, so
   * they count for the layer rules but cannot make a cycle.
   */
  typeOnly: boolean;
}

/** A layer violation or a cycle. */
export interface LayerViolation {
  /** `"layer"` for a forbidden direction, `"cycle"` for an import cycle. */
  kind: "layer" | "cycle";
  /** The file and line where the offending import is. */
  at: string;
  /** The sentence printed, without locations (what `--allow-known` lists). */
  message: string;
  /** For a cycle: `file:line` of each import on the path, in order. */
  path?: string[];
}

const SPECIFIER = new RegExp(
  [
    // import x from "..."; import { a } from "..."; import type { a } from "..."; export * from "..."
    String.raw`(?:^|[\s;}])(?:import|export)\s+(type\s+)?[^'";]*?\sfrom\s*(["'])([^"']+)\2`,
    // import "..."; (side effect)
    String.raw`(?:^|[\s;])import\s*(["'])([^"']+)\4`,
    // import("...") with a literal
    String.raw`import\(\s*(["'])([^"']+)\6\s*[,)]`,
  ].join("|"),
  "gs",
);

/** Removes comments (keeping newlines, so line numbers survive) from TypeScript source. */
export function stripComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i], n = src[i + 1];
    if (c === "/" && n === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && n === "*") {
      i += 2;
      while (i < src.length && !(src[i] === "*" && src[i + 1] === "/")) {
        if (src[i] === "\n") out += "\n";
        i++;
      }
      i += 2;
    } else if (c === '"' || c === "'" || c === "`") {
      const q = c;
      out += c;
      i++;
      while (i < src.length && src[i] !== q) {
        if (src[i] === "\\") {
          out += src[i];
          i++;
        }
        out += src[i] ?? "";
        i++;
      }
      out += src[i] ?? "";
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The relative specifiers of one source text, with their 1-based lines. */
export function importsOf(
  src: string,
): { spec: string; line: number; dynamic: boolean; typeOnly: boolean }[] {
  const text = stripComments(src);
  const out: { spec: string; line: number; dynamic: boolean; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[3] ?? m[5] ?? m[7];
    if (!spec || !spec.startsWith(".")) continue;
    const at = (m.index ?? 0) + m[0].lastIndexOf(spec);
    const line = text.slice(0, at).split("\n").length;
    out.push({ spec, line, dynamic: m[7] !== undefined, typeOnly: m[1] !== undefined });
  }
  return out;
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return parts.join("/");
}

/** Resolves `spec` imported by `from` (both relative to the root). */
export function resolveSpec(from: string, spec: string): string {
  const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/")) : "";
  return normalise(`${dir}/${spec}`);
}

function layerOf(path: string): "lib" | "tasks" | "cli" | "other" {
  const top = path.split("/")[0];
  return top === "lib" || top === "tasks" || top === "cli" ? top : "other";
}

/** The forbidden-direction violations among `imports`. */
export function layerViolations(imports: LocalImport[]): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const i of imports) {
    const a = layerOf(i.from), b = layerOf(i.to);
    const bad = (a === "lib" && (b === "tasks" || b === "cli")) || (a === "tasks" && b === "cli");
    if (bad) {
      out.push({
        kind: "layer",
        at: `${i.from}:${i.line}`,
        message: `${a}/ must not import ${b}/: ${i.from} imports ${i.to}`,
      });
    }
  }
  return out;
}

/**
 * Every elementary cycle is too many to print on a tangled graph, so this
 * reports one cycle per strongly connected component (Tarjan), found by a
 * shortest path back to the component's first file; breaking it and
 * re-running shows the next.
 */
export function cycles(imports: LocalImport[]): LayerViolation[] {
  const edges = new Map<string, LocalImport[]>();
  const nodes = new Set<string>();
  for (const i of imports) {
    if (i.typeOnly) continue;
    nodes.add(i.from);
    nodes.add(i.to);
    if (!edges.has(i.from)) edges.set(i.from, []);
    edges.get(i.from)!.push(i);
  }
  const sorted = [...nodes].sort();
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>();
  const sccs: string[][] = [];
  // Iterative Tarjan, so deep graphs do not overflow the stack.
  for (const root of sorted) {
    if (idx.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    on.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const out = edges.get(top.v) ?? [];
      if (top.i < out.length) {
        const w = out[top.i++].to;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          on.add(w);
          work.push({ v: w, i: 0 });
        } else if (on.has(w)) {
          low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        }
      } else {
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1].v;
          low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
        }
        if (low.get(top.v) === idx.get(top.v)) {
          const scc: string[] = [];
          let w: string;
          do {
            w = stack.pop()!;
            on.delete(w);
            scc.push(w);
          } while (w !== top.v);
          const self = (edges.get(top.v) ?? []).some((e) => e.to === top.v);
          if (scc.length > 1 || self) sccs.push(scc.sort());
        }
      }
    }
  }
  const out: LayerViolation[] = [];
  for (const scc of sccs.sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const inScc = new Set(scc);
    const start = scc[0];
    // BFS from start's successors back to start, inside the component.
    const prev = new Map<string, LocalImport>();
    const queue: string[] = [start];
    const seen = new Set<string>();
    let closing: LocalImport | undefined;
    while (queue.length && !closing) {
      const v = queue.shift()!;
      for (const e of edges.get(v) ?? []) {
        if (!inScc.has(e.to)) continue;
        if (e.to === start) {
          closing = e;
          break;
        }
        if (seen.has(e.to)) continue;
        seen.add(e.to);
        prev.set(e.to, e);
        queue.push(e.to);
      }
    }
    if (!closing) continue;
    const path: LocalImport[] = [closing];
    let cur = closing.from;
    while (cur !== start) {
      const e = prev.get(cur)!;
      path.unshift(e);
      cur = e.from;
    }
    out.push({
      kind: "cycle",
      at: `${path[0].from}:${path[0].line}`,
      message: `import cycle: ${[start, ...path.map((e) => e.to)].join(" -> ")}`,
      path: path.map((e) => `${e.from}:${e.line}`),
    });
  }
  return out;
}

const SKIP_DIRS = new Set(["node_modules", ".git", ".tools", "dist", "fixtures", "golden"]);

async function* sourceFiles(root: URL, rel = ""): AsyncGenerator<string> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(new URL(rel || ".", root))) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const path = rel ? `${rel}${e.name}` : e.name;
    if (e.isDirectory) {
      if (SKIP_DIRS.has(e.name) || e.name.startsWith(".")) continue;
      yield* sourceFiles(root, `${path}/`);
    } else if (e.isFile && /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")) {
      yield path;
    }
  }
}

/** Reads the repository under `root` and returns its local imports. */
export async function readImports(root: URL): Promise<LocalImport[]> {
  const out: LocalImport[] = [];
  for await (const file of sourceFiles(root)) {
    const src = await Deno.readTextFile(new URL(file, root));
    for (const i of importsOf(src)) {
      out.push({ from: file, to: resolveSpec(file, i.spec), ...i });
    }
  }
  return out;
}

async function main(args: string[]): Promise<number> {
  let knownFile: string | undefined;
  for (const a of args) {
    if (a.startsWith("--allow-known=")) knownFile = a.slice("--allow-known=".length);
    else if (a === "-h" || a === "--help") {
      console.log("usage: check_layers.ts [--allow-known=<file>]");
      return 0;
    } else {
      console.error(
        `check_layers: unknown argument ${a}\nusage: check_layers.ts [--allow-known=<file>]`,
      );
      return 2;
    }
  }
  const root = new URL("../", import.meta.url);
  const imports = await readImports(root);
  const found = [...layerViolations(imports), ...cycles(imports)];
  const known = new Set<string>();
  if (knownFile) {
    const text = await Deno.readTextFile(knownFile);
    for (const l of text.split("\n")) if (l.trim() && !l.startsWith("#")) known.add(l.trim());
  }
  const fresh = found.filter((v) => !known.has(v.message));
  const tolerated = found.length - fresh.length;
  const gone = [...known].filter((k) => !found.some((v) => v.message === k));
  for (const k of gone) console.error(`check_layers: fixed, remove from ${knownFile}: ${k}`);
  for (const v of fresh) {
    const via = v.path ? ` (imports at ${v.path.join(", ")})` : "";
    console.error(`${v.at}: ${v.kind}: ${v.message}${via}`);
  }
  const files = new Set(imports.map((i) => i.from)).size;
  if (fresh.length) {
    console.error(
      `check_layers: ${fresh.length} violation(s) in ${files} files` +
        (tolerated ? ` (${tolerated} more listed in ${knownFile})` : "") +
        "; lib/ imports only lib/, tasks/ imports lib/ and tasks/, and no file may reach itself",
    );
    return 1;
  }
  console.log(
    `check_layers: ${files} files, ${imports.length} local imports, no violations` +
      (tolerated ? ` beyond ${tolerated} listed in ${knownFile}` : ""),
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
