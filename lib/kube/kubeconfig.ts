/**
 * Kubeconfig loading, merging and context resolution, following kubectl's
 * rules: `--kubeconfig` overrides everything; otherwise the `KUBECONFIG` list
 * (OS path separator, missing files skipped, the first file to define a name
 * wins, the first non-empty `current-context` wins); otherwise
 * `~/.kube/config`; otherwise the in-cluster service account (see
 * `in_cluster.ts`). There is no silent fallback to `localhost:8080`.
 *
 * Relative file paths (certificates, token files, exec commands containing
 * a `/`) resolve against the directory of the kubeconfig file that defined
 * them.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { dirName, homeDir, listSeparator, resolvePath } from "./paths.ts";

/** An `exec` credential plugin entry of a kubeconfig user. */
export interface ExecConfig {
  /** `client.authentication.k8s.io/v1` or `v1beta1`. */
  apiVersion: string;
  /** Command (resolved against the kubeconfig's directory when it contains a `/`). */
  command: string;
  /** Arguments, passed as an array (never through a shell). */
  args: string[];
  /** Extra environment variables. */
  env: { name: string; value: string }[];
  /** `Never`, `IfAvailable` (default for v1beta1) or `Always`. */
  interactiveMode: "Never" | "IfAvailable" | "Always";
  /** Pass the cluster's details in `KUBERNETES_EXEC_INFO`. */
  provideClusterInfo: boolean;
  /** Shown when the command cannot be found. */
  installHint?: string;
  /** The user entry's name, for messages. */
  userName: string;
}

/** The cluster part of a resolved context. */
export interface ClusterInfo {
  /** API server URL, without a trailing slash. */
  server: string;
  /** CA certificates (PEM) to trust, from `certificate-authority(-data)`. */
  caCerts?: string[];
  /** Where the CA came from (a file path or `certificate-authority-data`), for messages. */
  caSource?: string;
  /** `insecure-skip-tls-verify`. */
  insecureSkipTlsVerify: boolean;
  /** `tls-server-name`: the name used for SNI and certificate checks. */
  tlsServerName?: string;
  /** `proxy-url`. */
  proxyUrl?: string;
  /** Raw `certificate-authority-data` (base64), for exec plugins' cluster info. */
  caDataBase64?: string;
  /** The cluster's `extensions` entry `client.authentication.k8s.io/exec`, for exec plugins. */
  execExtension?: unknown;
}

/** The user part of a resolved context: every way a kubeconfig can authenticate. */
export interface UserInfo {
  /** Bearer token. */
  token?: string;
  /** Path of a file holding the bearer token (re-read now and then). */
  tokenFile?: string;
  /** Basic authentication. */
  username?: string;
  /** Basic authentication. */
  password?: string;
  /** Client certificate, PEM. */
  clientCertificate?: string;
  /** Client key, PEM. */
  clientKey?: string;
  /** Exec credential plugin. */
  exec?: ExecConfig;
  /** Impersonation (`as`, `as-groups`). */
  impersonate?: { user?: string; groups?: string[] };
}

/** Everything the client needs to talk to one cluster as one user. */
export interface ResolvedConfig {
  /** Context name (`in-cluster` inside a pod). */
  contextName: string;
  /** Cluster entry name. */
  clusterName: string;
  /** User entry name ("" for anonymous). */
  userName: string;
  /** The context's namespace, if it sets one. */
  namespace?: string;
  /** Cluster connection details. */
  cluster: ClusterInfo;
  /** Credentials. */
  user: UserInfo;
  /** The kubeconfig files in use (empty in-cluster). */
  files: string[];
  /** True when built from the pod's service account. */
  inCluster: boolean;
}

/** One named entry of a merged kubeconfig, remembering the file that defined it. */
export interface SourcedEntry {
  /** The entry's body (`cluster`, `user` or `context` map). */
  // deno-lint-ignore no-explicit-any
  body: Record<string, any>;
  /** The file that defined it. */
  file: string;
}

/** Several kubeconfig files merged with kubectl's first-wins rules. */
export interface MergedKubeconfig {
  /** The files read, in order. */
  files: string[];
  /** `current-context` (the first non-empty one). */
  currentContext?: string;
  /** Clusters by name. */
  clusters: Map<string, SourcedEntry>;
  /** Users by name. */
  users: Map<string, SourcedEntry>;
  /** Contexts by name. */
  contexts: Map<string, SourcedEntry>;
}

/** Options of {@link findKubeconfigFiles}. */
export interface KubeconfigSourceOptions {
  /** `--kubeconfig`: the only file used when given. */
  kubeconfig?: string;
  /** Environment (KUBECONFIG, HOME). */
  env: Record<string, string | undefined>;
}

/** Where we looked for kubeconfig files, and which exist. */
export interface KubeconfigFiles {
  /** Files that exist, in precedence order. */
  files: string[];
  /** Every path considered, for the "not found" message. */
  considered: string[];
  /** How the list was chosen. */
  origin: "flag" | "KUBECONFIG" | "default";
}

/**
 * Lists the kubeconfig files to merge. `--kubeconfig` must exist (a
 * {@link ConfigError} otherwise); missing entries of `KUBECONFIG` are skipped,
 * as kubectl does.
 */
export function findKubeconfigFiles(opts: KubeconfigSourceOptions): KubeconfigFiles {
  const home = homeDir(opts.env);
  if (opts.kubeconfig) {
    const p = resolvePath(".", opts.kubeconfig, home);
    if (isDirectory(p)) {
      throw new ConfigError(`kubeconfig "${p}" (from --kubeconfig) is a directory, not a file`, {
        hint: "point --kubeconfig at the config file itself, e.g. ~/.kube/config",
      });
    }
    if (!fileExists(p)) {
      throw new ConfigError(`kubeconfig file "${p}" (from --kubeconfig) does not exist`, {
        hint: "check the path, or drop --kubeconfig to use KUBECONFIG or ~/.kube/config",
      });
    }
    return { files: [p], considered: [p], origin: "flag" };
  }
  const list = opts.env.KUBECONFIG;
  if (list !== undefined && list.trim() !== "") {
    const considered: string[] = [];
    for (const part of list.split(listSeparator)) {
      const p = part.trim();
      if (!p) continue;
      const abs = resolvePath(".", p, home);
      if (!considered.includes(abs)) considered.push(abs);
    }
    return { files: considered.filter(fileExists), considered, origin: "KUBECONFIG" };
  }
  if (!home) return { files: [], considered: [], origin: "default" };
  const def = resolvePath(home, ".kube/config");
  return { files: fileExists(def) ? [def] : [], considered: [def], origin: "default" };
}

function isDirectory(p: string): boolean {
  try {
    return Deno.statSync(p).isDirectory;
  } catch {
    return false;
  }
}

function fileExists(p: string): boolean {
  try {
    return Deno.statSync(p).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    // Exists but cannot be stat'ed (permissions): let the read report it.
    return true;
  }
}

/** Reads and parses one kubeconfig file; errors name the file and the problem. */
export async function readKubeconfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : (e as Error).message;
    throw new ConfigError(`cannot read kubeconfig file "${path}": ${why}`, {
      hint: "check the file's permissions, or point --kubeconfig / KUBECONFIG at a readable file",
      cause: e,
    });
  }
  return await parseKubeconfigText(text, path);
}

/** Parses kubeconfig YAML text; `path` is only used in error messages. */
export async function parseKubeconfigText(
  text: string,
  path: string,
): Promise<Record<string, unknown>> {
  // Loaded lazily so that library users of lib/kube do not pay for lib/deps.ts (commander).
  const { yamlLoad } = await import("../deps_lazy/yaml.ts");
  let doc: unknown;
  try {
    doc = yamlLoad(text);
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw new ConfigError(`kubeconfig file "${path}" is not valid YAML: ${msg}`, {
      hint: "fix the file (kubectl config view shows how kubectl reads it)",
      cause: e,
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError(
      `kubeconfig file "${path}" is not a kubeconfig: expected a YAML mapping`,
      {
        hint: "a kubeconfig has apiVersion: v1, kind: Config, clusters, users and contexts",
      },
    );
  }
  for (const key of ["clusters", "users", "contexts"]) {
    const v = (doc as Record<string, unknown>)[key];
    if (v !== undefined && v !== null && !Array.isArray(v)) {
      throw new ConfigError(`kubeconfig file "${path}": "${key}" must be a list`, {
        hint: `write ${key} as a YAML list of { name, ${key.slice(0, -1)} } entries`,
      });
    }
  }
  return doc as Record<string, unknown>;
}

/**
 * Merges parsed kubeconfig documents with kubectl's rules: for clusters,
 * users and contexts the first file to define a name wins; the first
 * non-empty `current-context` wins. Pure.
 */
export function mergeKubeconfigs(
  docs: { file: string; doc: Record<string, unknown> }[],
): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    files: docs.map((d) => d.file),
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const { file, doc } of docs) {
    const cc = doc["current-context"];
    if (!merged.currentContext && typeof cc === "string" && cc) merged.currentContext = cc;
    const groups = [
      ["clusters", "cluster", merged.clusters],
      ["users", "user", merged.users],
      ["contexts", "context", merged.contexts],
    ] as const;
    for (const [listKey, bodyKey, map] of groups) {
      const list = (doc[listKey] ?? []) as unknown[];
      list.forEach((item, i) => {
        if (!item || typeof item !== "object") {
          throw new ConfigError(`kubeconfig file "${file}": ${listKey}[${i}] is not a mapping`);
        }
        const rec = item as Record<string, unknown>;
        const name = rec.name;
        if (typeof name !== "string" || !name) {
          throw new ConfigError(`kubeconfig file "${file}": ${listKey}[${i}] has no name`, {
            hint: `every entry of ${listKey} needs a name`,
          });
        }
        if (map.has(name)) return;
        const body = rec[bodyKey];
        map.set(name, {
          // deno-lint-ignore no-explicit-any
          body: body && typeof body === "object" ? body as Record<string, any> : {},
          file,
        });
      });
    }
  }
  return merged;
}

/** Loads and merges the given files (in order). */
export async function loadKubeconfigFiles(files: string[]): Promise<MergedKubeconfig> {
  const docs = [];
  for (const file of files) docs.push({ file, doc: await readKubeconfigFile(file) });
  return mergeKubeconfigs(docs);
}

function describeFiles(files: string[]): string {
  return files.length === 1 ? `"${files[0]}"` : `${files.map((f) => `"${f}"`).join(", ")}`;
}

function decodeBase64(data: string, what: string, file: string): string {
  try {
    const bin = atob(data.replace(/\s+/g, ""));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    throw new ConfigError(`kubeconfig file "${file}": ${what} is not valid base64`, {
      hint: `re-create the entry, e.g. with: kubectl config set ... --embed-certs`,
    });
  }
}

function readPemFile(path: string, what: string, owner: string, file: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new ConfigError(`${owner}: cannot read ${what} "${path}": ${why}`, {
      hint: `fix the path in kubeconfig file "${file}" (relative paths are relative to that file)`,
      cause: e,
    });
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Selects a context (`--context`, else `current-context`) and resolves its
 * cluster and user, reading referenced certificate files. Errors name the
 * missing context (listing existing ones), cluster or user.
 */
export function resolveContext(
  merged: MergedKubeconfig,
  contextName?: string,
  env: Record<string, string | undefined> = {},
): ResolvedConfig {
  const files = describeFiles(merged.files);
  const available = [...merged.contexts.keys()];
  const availableText = available.length
    ? `available: ${available.join(", ")}`
    : "it defines no contexts";
  const name = contextName || merged.currentContext;
  if (!name) {
    throw new ConfigError(`no context selected: kubeconfig ${files} has no current-context`, {
      hint: available.length
        ? `pass --context (${availableText}) or run: kubectl config use-context <name>`
        : "add a context to the kubeconfig (kubectl config set-context) or point KUBECONFIG elsewhere",
    });
  }
  const ctx = merged.contexts.get(name);
  if (!ctx) {
    throw new ConfigError(
      `context "${name}"${
        contextName ? "" : " (current-context)"
      } not found in kubeconfig ${files}`,
      { hint: `${availableText}; list them with: kubectl config get-contexts` },
    );
  }
  const clusterName = str(ctx.body.cluster);
  if (!clusterName) {
    throw new ConfigError(`context "${name}" in "${ctx.file}" names no cluster`, {
      hint: "set one with: kubectl config set-context " + name + " --cluster=<cluster>",
    });
  }
  const cl = merged.clusters.get(clusterName);
  if (!cl) {
    throw new ConfigError(
      `context "${name}" refers to cluster "${clusterName}", which is not defined in kubeconfig ${files}`,
      {
        hint: `defined clusters: ${[...merged.clusters.keys()].join(", ") || "none"}`,
      },
    );
  }
  const userName = str(ctx.body.user) ?? "";
  let userEntry: SourcedEntry | undefined;
  if (userName) {
    userEntry = merged.users.get(userName);
    if (!userEntry) {
      throw new ConfigError(
        `context "${name}" refers to user "${userName}", which is not defined in kubeconfig ${files}`,
        { hint: `defined users: ${[...merged.users.keys()].join(", ") || "none"}` },
      );
    }
  }
  const cluster = resolveCluster(clusterName, cl, env);
  const user = userEntry ? resolveUser(userName, userEntry, env) : {};
  return {
    contextName: name,
    clusterName,
    userName,
    namespace: str(ctx.body.namespace),
    cluster,
    user,
    files: merged.files,
    inCluster: false,
  };
}

function resolveCluster(
  name: string,
  entry: SourcedEntry,
  env: Record<string, string | undefined>,
): ClusterInfo {
  const b = entry.body;
  const dir = dirName(entry.file);
  const home = homeDir(env);
  const owner = `cluster "${name}"`;
  const server = str(b.server);
  if (!server) {
    throw new ConfigError(`${owner} in "${entry.file}" has no server URL`, {
      hint: `set it with: kubectl config set-cluster ${name} --server=https://<host>:<port>`,
    });
  }
  const withScheme = server.includes("://") ? server : `https://${server}`;
  try {
    const u = new URL(withScheme);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
  } catch {
    throw new ConfigError(`${owner} in "${entry.file}" has an invalid server URL "${server}"`, {
      hint: "use a URL like https://10.0.0.1:6443",
    });
  }
  const info: ClusterInfo = {
    server: withScheme.replace(/\/+$/, ""),
    insecureSkipTlsVerify: b["insecure-skip-tls-verify"] === true,
    tlsServerName: str(b["tls-server-name"]),
    proxyUrl: str(b["proxy-url"]),
  };
  const caData = str(b["certificate-authority-data"]);
  const caFile = str(b["certificate-authority"]);
  if (caData) {
    info.caCerts = [decodeBase64(caData, `${owner} certificate-authority-data`, entry.file)];
    info.caSource = `certificate-authority-data of ${owner}`;
    info.caDataBase64 = caData;
  } else if (caFile) {
    const p = resolvePath(dir, caFile, home);
    const pem = readPemFile(p, "certificate-authority", owner, entry.file);
    info.caCerts = [pem];
    info.caSource = p;
    info.caDataBase64 = btoa(pem);
  }
  const exts = b.extensions;
  if (Array.isArray(exts)) {
    const e = exts.find((x) => x?.name === "client.authentication.k8s.io/exec");
    if (e) info.execExtension = e.extension;
  }
  return info;
}

function resolveUser(
  name: string,
  entry: SourcedEntry,
  env: Record<string, string | undefined>,
): UserInfo {
  const b = entry.body;
  const dir = dirName(entry.file);
  const home = homeDir(env);
  const owner = `user "${name}"`;
  if (b["auth-provider"]) {
    const provider = str(b["auth-provider"]?.name) ?? "unknown";
    const plugin = provider === "gcp"
      ? "gke-gcloud-auth-plugin"
      : provider === "azure"
      ? "kubelogin (Azure)"
      : provider === "oidc"
      ? "kubelogin (int128/kubelogin, oidc-login)"
      : "an exec credential plugin";
    throw new ConfigError(
      `${owner} in "${entry.file}" uses the legacy auth-provider "${provider}", which kubectl-grove does not support`,
      {
        hint:
          `switch the user to an exec credential plugin such as ${plugin} (kubectl 1.26+ requires it too)`,
      },
    );
  }
  const u: UserInfo = {};
  u.token = str(b.token);
  const tf = str(b.tokenFile);
  if (tf) u.tokenFile = resolvePath(dir, tf, home);
  u.username = str(b.username);
  u.password = typeof b.password === "string" ? b.password : undefined;
  const certData = str(b["client-certificate-data"]);
  const certFile = str(b["client-certificate"]);
  const keyData = str(b["client-key-data"]);
  const keyFile = str(b["client-key"]);
  if (certData) {
    u.clientCertificate = decodeBase64(certData, `${owner} client-certificate-data`, entry.file);
  } else if (certFile) {
    u.clientCertificate = readPemFile(
      resolvePath(dir, certFile, home),
      "client-certificate",
      owner,
      entry.file,
    );
  }
  if (keyData) u.clientKey = decodeBase64(keyData, `${owner} client-key-data`, entry.file);
  else if (keyFile) {
    u.clientKey = readPemFile(resolvePath(dir, keyFile, home), "client-key", owner, entry.file);
  }
  if (!!u.clientCertificate !== !!u.clientKey) {
    throw new ConfigError(
      `${owner} in "${entry.file}" has a client ${
        u.clientCertificate ? "certificate but no key" : "key but no certificate"
      }`,
      { hint: "set both client-certificate(-data) and client-key(-data)" },
    );
  }
  if (b.exec) u.exec = parseExec(name, b.exec, entry.file, dir);
  const as = str(b.as);
  const groups = Array.isArray(b["as-groups"])
    ? b["as-groups"].filter((g: unknown) => typeof g === "string")
    : undefined;
  if (as || groups?.length) u.impersonate = { user: as, groups };
  return u;
}

// deno-lint-ignore no-explicit-any
function parseExec(userName: string, e: any, file: string, dir: string): ExecConfig {
  const owner = `user "${userName}" exec plugin`;
  if (typeof e !== "object" || !str(e.command)) {
    throw new ConfigError(`${owner} in "${file}" has no command`, {
      hint: "set exec.command to the credential plugin's executable",
    });
  }
  const apiVersion = str(e.apiVersion) ?? "";
  if (
    apiVersion !== "client.authentication.k8s.io/v1" &&
    apiVersion !== "client.authentication.k8s.io/v1beta1"
  ) {
    throw new ConfigError(
      `${owner} in "${file}" has apiVersion "${apiVersion}"; supported: client.authentication.k8s.io/v1 and v1beta1`,
      { hint: "update the plugin entry (v1alpha1 was removed in Kubernetes 1.24)" },
    );
  }
  let mode = str(e.interactiveMode);
  if (!mode) {
    if (apiVersion.endsWith("/v1")) {
      throw new ConfigError(
        `${owner} in "${file}" must set interactiveMode (client.authentication.k8s.io/v1)`,
        {
          hint: "set interactiveMode: Never, IfAvailable or Always",
        },
      );
    }
    mode = "IfAvailable";
  }
  if (mode !== "Never" && mode !== "IfAvailable" && mode !== "Always") {
    throw new ConfigError(`${owner} in "${file}" has an invalid interactiveMode "${mode}"`, {
      hint: "use Never, IfAvailable or Always",
    });
  }
  const command = String(e.command);
  const envList = Array.isArray(e.env) ? e.env : [];
  return {
    apiVersion,
    command: command.includes("/") ? resolvePath(dir, command) : command,
    args: Array.isArray(e.args) ? e.args.map(String) : [],
    env: envList
      .filter((x: unknown) => x && typeof x === "object")
      .map((x: { name: unknown; value: unknown }) => ({
        name: String(x.name),
        value: String(x.value ?? ""),
      })),
    interactiveMode: mode,
    provideClusterInfo: e.provideClusterInfo === true,
    installHint: str(e.installHint),
    userName,
  };
}
