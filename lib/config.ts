/**
 * The user configuration file, `~/.config/kubectl-grove/config.yaml`
 * (`$XDG_CONFIG_HOME/kubectl-grove/config.yaml`, or `$KUBECTL_GROVE_CONFIG`),
 * and environment overrides.
 *
 * Precedence for every setting: command-line flag > environment variable >
 * config file > kubeconfig context (namespace) or built-in default. Each
 * setting `section.key` can be set by `KUBECTL_GROVE_SECTION_KEY`.
 *
 * @module
 */

import { yamlLoad } from "./deps.ts";
import { ConfigError } from "./errors.ts";

/** Every setting with its type, default and meaning. */
export const CONFIG_KEYS = {
  "defaults.namespace": {
    type: "string",
    default: undefined,
    help: "namespace when -n is not given (before the kubeconfig context's)",
  },
  "defaults.operator_namespace": {
    type: "string",
    default: "grove-system",
    help: "namespace of the grove-operator pods",
  },
  "metrics.scrape_timeout": {
    type: "duration",
    default: "5s",
    help: "timeout of one metrics scrape",
  },
  "metrics.port": {
    type: "port",
    default: undefined,
    help: "metrics port when a pod spec names none",
  },
  "tui.refresh_interval": { type: "duration", default: "5s", help: "metrics refresh in the TUI" },
  "tui.color_scheme": {
    type: "enum",
    values: ["auto", "dark", "light", "none"],
    default: "auto",
    help: "TUI colours",
  },
  "aiconfigurator.path": {
    type: "string",
    default: undefined,
    help: "aiconfigurator executable (else PATH)",
  },
  "aiconfigurator.default_backend": {
    type: "enum",
    values: ["sglang", "vllm", "trtllm"],
    default: "sglang",
    help: "backend when --backend is not given",
  },
  "rollout.history_limit": { type: "int", default: 10, help: "revisions kept per PodCliqueSet" },
} as const;

/** Name of a setting, `section.key`. */
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Resolved settings (after file and environment). */
export interface GroveConfig {
  /** Value of each setting as a string or number, undefined when unset. */
  values: { [K in ConfigKey]?: string | number };
  /** The file read, if any. */
  path?: string;
  /** Where each set value came from. */
  sources: { [K in ConfigKey]?: "file" | "env" | "default" };
}

/** Where the config file is looked for. */
export function configPath(env: (k: string) => string | undefined): string | undefined {
  const explicit = env("KUBECTL_GROVE_CONFIG");
  if (explicit) return explicit;
  const xdg = env("XDG_CONFIG_HOME");
  const home = env("HOME") ?? env("USERPROFILE");
  const base = xdg || (home ? `${home}/.config` : undefined);
  return base ? `${base}/kubectl-grove/config.yaml` : undefined;
}

/** The environment variable of a setting: `metrics.port` -> `KUBECTL_GROVE_METRICS_PORT`. */
export function envVarOf(key: ConfigKey): string {
  return `KUBECTL_GROVE_${key.replace(".", "_").toUpperCase()}`;
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function checkValue(key: ConfigKey, raw: unknown, where: string): string | number {
  const spec = CONFIG_KEYS[key];
  const bad = (what: string) =>
    new ConfigError(`${where}: ${key}: ${what}`, {
      hint: `fix the value, e.g. ${key.split(".")[1]}: ${example(key)}`,
    });
  switch (spec.type) {
    case "string":
      if (typeof raw !== "string" || raw === "") {
        throw bad(`expected a non-empty string, got ${JSON.stringify(raw)}`);
      }
      return raw;
    case "duration": {
      const s = String(raw);
      if (!DURATION.test(s)) {
        throw bad(`expected a duration like 5s or 1m30s, got ${JSON.stringify(raw)}`);
      }
      return s;
    }
    case "port": {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || n > 65535) {
        throw bad(`expected a port number 1-65535, got ${JSON.stringify(raw)}`);
      }
      return n;
    }
    case "int": {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) {
        throw bad(`expected a positive whole number, got ${JSON.stringify(raw)}`);
      }
      return n;
    }
    case "enum": {
      const values = (spec as { values: readonly string[] }).values;
      if (typeof raw !== "string" || !values.includes(raw)) {
        throw bad(`expected one of ${values.join(", ")}, got ${JSON.stringify(raw)}`);
      }
      return raw;
    }
  }
}

function example(key: ConfigKey): string {
  const spec = CONFIG_KEYS[key];
  if (spec.type === "enum") return (spec as { values: readonly string[] }).values[0];
  if (spec.type === "duration") return "5s";
  if (spec.type === "port") return "8000";
  if (spec.type === "int") return "10";
  return "value";
}

/**
 * Parses config file text. Unknown sections or keys are errors naming the
 * key and the known ones, so a typo never goes unnoticed.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * const c = parseConfig("metrics:\n  port: 8000\n", "config.yaml");
 * console.log(c["metrics.port"]); // 8000
 * ```
 */
export function parseConfig(text: string, path: string): { [K in ConfigKey]?: string | number } {
  let doc: unknown;
  try {
    doc = yamlLoad(text);
  } catch (e) {
    const m = e as { mark?: { line: number; column: number }; reason?: string };
    const where = m.mark ? `${path}:${m.mark.line + 1}:${m.mark.column + 1}` : path;
    throw new ConfigError(`${where}: not valid YAML: ${m.reason ?? (e as Error).message}`, {
      hint: "fix the file or move it away; see README 'Configuration' for the format",
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError(
      `${path}: expected a mapping of sections (defaults, metrics, tui, aiconfigurator, rollout)`,
    );
  }
  const out: { [K in ConfigKey]?: string | number } = {};
  const sections = new Set(Object.keys(CONFIG_KEYS).map((k) => k.split(".")[0]));
  for (const [section, body] of Object.entries(doc as Record<string, unknown>)) {
    if (!sections.has(section)) {
      throw new ConfigError(`${path}: unknown section "${section}"`, {
        hint: `known sections: ${[...sections].join(", ")}`,
      });
    }
    if (body === null) continue;
    if (typeof body !== "object" || Array.isArray(body)) {
      throw new ConfigError(`${path}: ${section}: expected a mapping of keys`);
    }
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const key = `${section}.${k}` as ConfigKey;
      if (!(key in CONFIG_KEYS)) {
        const known = Object.keys(CONFIG_KEYS).filter((x) => x.startsWith(section + "."));
        throw new ConfigError(`${path}: unknown key "${key}"`, {
          hint: `known keys: ${known.join(", ")}`,
        });
      }
      if (v === null || v === undefined) continue;
      out[key] = checkValue(key, v, path);
    }
  }
  return out;
}

/**
 * Loads the config file (if present) and applies environment overrides.
 * A missing file is not an error; an unreadable or malformed one is.
 */
export function loadConfig(
  env: (k: string) => string | undefined,
  readTextFile: (p: string) => string = Deno.readTextFileSync,
): GroveConfig {
  const path = configPath(env);
  const cfg: GroveConfig = { values: {}, sources: {} };
  if (path) {
    let text: string | undefined;
    try {
      text = readTextFile(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`, {
          hint: "check its permissions, or point KUBECTL_GROVE_CONFIG elsewhere",
        });
      }
      if (env("KUBECTL_GROVE_CONFIG")) {
        throw new ConfigError(`config file ${path} (from KUBECTL_GROVE_CONFIG) does not exist`);
      }
    }
    if (text !== undefined) {
      cfg.path = path;
      for (const [k, v] of Object.entries(parseConfig(text, path))) {
        cfg.values[k as ConfigKey] = v;
        cfg.sources[k as ConfigKey] = "file";
      }
    }
  }
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
    const name = envVarOf(key);
    const v = env(name);
    if (v !== undefined && v !== "") {
      cfg.values[key] = checkValue(key, v, `environment variable ${name}`);
      cfg.sources[key] = "env";
    }
  }
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
    const d = CONFIG_KEYS[key].default;
    if (cfg.values[key] === undefined && d !== undefined) {
      cfg.values[key] = d;
      cfg.sources[key] = "default";
    }
  }
  return cfg;
}

/** A setting as a string (undefined when unset). */
export function configString(cfg: GroveConfig, key: ConfigKey): string | undefined {
  const v = cfg.values[key];
  return v === undefined ? undefined : String(v);
}

/** A setting as a number (undefined when unset). */
export function configNumber(cfg: GroveConfig, key: ConfigKey): number | undefined {
  const v = cfg.values[key];
  return v === undefined ? undefined : Number(v);
}
