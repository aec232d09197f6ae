/**
 * `deno task release [--version v0.1.0] [--base-url URL] [--dist dist]`:
 * after `deno task compile --target all`, packs each `dist/<os>-<arch>/`
 * into `kubectl-grove_<version>_<os>_<arch>.tar.gz`, computes its sha256 and
 * writes `dist/grove.yaml` (the krew manifest) from `plugins/grove.yaml`.
 *
 * @module
 */

import { yamlDump, yamlLoad } from "../lib/deps.ts";
import { VERSION } from "../lib/version.ts";

/** A krew platform entry (the fields we fill). */
export interface KrewPlatform {
  selector: { matchLabels: { os: string; arch: string } };
  uri: string;
  sha256: string;
  files: { from: string; to: string }[];
  bin: string;
}

/** The krew manifest (the fields we use). */
export interface KrewManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    version: string;
    homepage?: string;
    shortDescription: string;
    description?: string;
    caveats?: string;
    platforms: KrewPlatform[];
  };
}

/** Archive name of a platform. */
export function archiveName(version: string, os: string, arch: string): string {
  return `kubectl-grove_${version}_${os}_${arch}.tar.gz`;
}

/**
 * Fills version, uri and sha256 into a manifest. `digests` maps archive
 * names to sha256 hex; a platform without an archive is an error.
 */
export function fillManifest(
  template: KrewManifest,
  version: string,
  baseUrl: string,
  digests: Record<string, string>,
): KrewManifest {
  const m: KrewManifest = structuredClone(template);
  m.spec.version = version;
  for (const p of m.spec.platforms) {
    const { os, arch } = p.selector.matchLabels;
    const name = archiveName(version, os, arch);
    const digest = digests[name];
    if (!digest) {
      throw new Error(`no archive ${name} in dist/: run deno task compile --target all first`);
    }
    p.uri = `${baseUrl.replace(/\/$/, "")}/${version}/${name}`;
    p.sha256 = digest;
  }
  return m;
}

/** Checks the structure krew requires; returns the problems found. */
export function validateManifest(m: KrewManifest): string[] {
  const problems: string[] = [];
  if (m.apiVersion !== "krew.googlecontainertools.github.com/v1alpha2") {
    problems.push("apiVersion must be krew v1alpha2");
  }
  if (m.kind !== "Plugin") problems.push("kind must be Plugin");
  if (!/^[a-z][a-z0-9-]*$/.test(m.metadata?.name ?? "")) {
    problems.push("metadata.name must be a lower-case name");
  }
  if (!/^v\d+\.\d+\.\d+/.test(m.spec?.version ?? "")) {
    problems.push("spec.version must be a semver with a leading v");
  }
  if (!m.spec?.shortDescription || m.spec.shortDescription.length > 50) {
    problems.push("spec.shortDescription must be set and at most 50 characters");
  }
  const seen = new Set<string>();
  for (const [i, p] of (m.spec?.platforms ?? []).entries()) {
    const where = `spec.platforms[${i}]`;
    const { os, arch } = p.selector?.matchLabels ?? {};
    if (!os || !arch) problems.push(`${where}.selector.matchLabels needs os and arch`);
    if (seen.has(`${os}/${arch}`)) problems.push(`${where}: duplicate platform ${os}/${arch}`);
    seen.add(`${os}/${arch}`);
    if (!/^https:\/\//.test(p.uri ?? "")) problems.push(`${where}.uri must be an https URL`);
    if (!/^[0-9a-f]{64}$/.test(p.sha256 ?? "")) {
      problems.push(`${where}.sha256 must be 64 hex digits`);
    }
    if (!p.bin) problems.push(`${where}.bin is required`);
    if (!p.files?.some((f) => f.from === p.bin)) {
      problems.push(`${where}.files must contain the bin ${p.bin}`);
    }
    if (os === "windows" && !p.bin.endsWith(".exe")) {
      problems.push(`${where}.bin must end in .exe on windows`);
    }
  }
  if (!m.spec?.platforms?.length) problems.push("spec.platforms must not be empty");
  // krew decodes manifests strictly: an unknown field makes the whole manifest invalid
  const known = (where: string, obj: unknown, keys: string[]) => {
    if (!obj || typeof obj !== "object") return;
    for (const k of Object.keys(obj)) {
      if (!keys.includes(k)) problems.push(`${where}.${k} is not a krew manifest field`);
    }
  };
  known("", m, ["apiVersion", "kind", "metadata", "spec"]);
  known("spec", m.spec, [
    "version",
    "homepage",
    "shortDescription",
    "description",
    "caveats",
    "platforms",
  ]);
  for (const [i, p] of (m.spec?.platforms ?? []).entries()) {
    const where = `spec.platforms[${i}]`;
    known(where, p, ["selector", "uri", "sha256", "files", "bin"]);
    known(`${where}.selector`, p.selector, ["matchLabels", "matchExpressions"]);
    for (const [j, f] of (p.files ?? []).entries()) {
      known(`${where}.files[${j}]`, f, ["from", "to"]);
      if (!f.from || f.to === undefined) problems.push(`${where}.files[${j}] needs from and to`);
      if (/(^|\/)\.\.(\/|$)/.test(f.to ?? "") || (f.to ?? "").startsWith("/")) {
        problems.push(`${where}.files[${j}].to must stay inside the plugin directory`);
      }
    }
  }
  return problems.map((p) => p.replace(/^\./, ""));
}

async function sha256File(path: string): Promise<string> {
  const data = await Deno.readFile(path);
  const d = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function main() {
  let version = `v${VERSION}`;
  let baseUrl = "https://github.com/kubectl-grove/kubectl-grove/releases/download";
  let dist = "dist";
  for (let i = 0; i < Deno.args.length; i++) {
    const a = Deno.args[i];
    if (a === "--version") version = Deno.args[++i];
    else if (a === "--base-url") baseUrl = Deno.args[++i];
    else if (a === "--dist") dist = Deno.args[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  const template = yamlLoad(await Deno.readTextFile("plugins/grove.yaml")) as KrewManifest;
  const digests: Record<string, string> = {};
  for (const p of template.spec.platforms) {
    const { os, arch } = p.selector.matchLabels;
    const dir = `${dist}/${os}-${arch}`;
    const name = archiveName(version, os, arch);
    try {
      await Deno.stat(`${dir}/${p.bin}`);
    } catch {
      console.error(
        `release: ${dir}/${p.bin} is missing; run: deno task compile --target ${os}-${arch}`,
      );
      continue;
    }
    const tar = await new Deno.Command("tar", {
      args: ["-czf", `${dist}/${name}`, "-C", dir, ...p.files.map((f) => f.from)],
    }).output();
    if (!tar.success) {
      throw new Error(`tar failed for ${name}: ${new TextDecoder().decode(tar.stderr)}`);
    }
    digests[name] = await sha256File(`${dist}/${name}`);
    console.error(`release: ${dist}/${name} sha256 ${digests[name]}`);
  }
  const manifest = fillManifest(template, version, baseUrl, digests);
  const problems = validateManifest(manifest);
  if (problems.length) throw new Error(`manifest invalid:\n  ${problems.join("\n  ")}`);
  await Deno.writeTextFile(`${dist}/grove.yaml`, yamlDump(manifest, { lineWidth: -1 }));
  console.log(`${dist}/grove.yaml`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(`release: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
