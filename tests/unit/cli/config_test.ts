import { assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { configPath, envVarOf, loadConfig, parseConfig } from "../../../lib/config.ts";
import { ConfigError } from "../../../lib/errors.ts";

const env = (m: Record<string, string>) => (k: string) => m[k];

Deno.test("config path honours KUBECTL_GROVE_CONFIG, then XDG_CONFIG_HOME, then HOME", () => {
  assertEquals(configPath(env({ KUBECTL_GROVE_CONFIG: "/x.yaml", HOME: "/h" })), "/x.yaml");
  assertEquals(
    configPath(env({ XDG_CONFIG_HOME: "/xdg", HOME: "/h" })),
    "/xdg/kubectl-grove/config.yaml",
  );
  assertEquals(configPath(env({ HOME: "/h" })), "/h/.config/kubectl-grove/config.yaml");
});

Deno.test("parseConfig reads every documented key", () => {
  const c = parseConfig(
    [
      "defaults:",
      "  namespace: inference",
      "  operator_namespace: grove",
      "metrics:",
      "  scrape_timeout: 3s",
      "  port: 9000",
      "tui:",
      "  refresh_interval: 2s",
      "  color_scheme: dark",
      "aiconfigurator:",
      "  path: /opt/aic/bin/aiconfigurator",
      "  default_backend: vllm",
    ].join("\n"),
    "c.yaml",
  );
  assertEquals(c["defaults.namespace"], "inference");
  assertEquals(c["metrics.port"], 9000);
  assertEquals(c["tui.color_scheme"], "dark");
  assertEquals(c["aiconfigurator.default_backend"], "vllm");
});

Deno.test("malformed YAML names file, line and column", () => {
  const e = assertThrows(() => parseConfig("metrics:\n  port: [1\n", "/etc/c.yaml"), ConfigError);
  assertMatch(e.message, /^\/etc\/c\.yaml:\d+:\d+: not valid YAML/);
});

Deno.test("a bad value names the file, the key and what is wrong", () => {
  const e = assertThrows(() => parseConfig("metrics:\n  port: eighty\n", "c.yaml"), ConfigError);
  assertMatch(e.message, /c\.yaml: metrics\.port: expected a port number 1-65535, got "eighty"/);
  const e2 = assertThrows(() => parseConfig("tui:\n  color_scheme: pink\n", "c.yaml"), ConfigError);
  assertMatch(e2.message, /tui\.color_scheme: expected one of auto, dark, light, none/);
  const e3 = assertThrows(
    () => parseConfig("metrics:\n  scrape_timeout: soon\n", "c.yaml"),
    ConfigError,
  );
  assertMatch(e3.message, /expected a duration/);
});

Deno.test("unknown keys and sections are rejected with the known ones", () => {
  const e = assertThrows(() => parseConfig("metrics:\n  prot: 1\n", "c.yaml"), ConfigError);
  assertMatch(e.message, /unknown key "metrics\.prot"/);
  assertMatch(e.hint ?? "", /metrics\.port/);
  const e2 = assertThrows(() => parseConfig("metric:\n  port: 1\n", "c.yaml"), ConfigError);
  assertMatch(e2.message, /unknown section "metric"/);
  assertThrows(() => parseConfig("- a\n- b\n", "c.yaml"), ConfigError);
});

Deno.test("precedence: environment over file over default", () => {
  const files: Record<string, string> = {
    "/c.yaml": "metrics:\n  port: 9000\n  scrape_timeout: 9s\n",
  };
  const read = (p: string) => {
    if (!(p in files)) throw new Deno.errors.NotFound(p);
    return files[p];
  };
  const cfg = loadConfig(
    env({ KUBECTL_GROVE_CONFIG: "/c.yaml", [envVarOf("metrics.port")]: "9100" }),
    read,
  );
  assertEquals(cfg.values["metrics.port"], 9100);
  assertEquals(cfg.sources["metrics.port"], "env");
  assertEquals(cfg.values["metrics.scrape_timeout"], "9s");
  assertEquals(cfg.sources["metrics.scrape_timeout"], "file");
  assertEquals(cfg.values["defaults.operator_namespace"], "grove-system");
  assertEquals(cfg.sources["defaults.operator_namespace"], "default");
});

Deno.test("a missing default config file is fine; a missing explicit one is an error", () => {
  const read = (p: string): string => {
    throw new Deno.errors.NotFound(p);
  };
  assertEquals(loadConfig(env({ HOME: "/h" }), read).path, undefined);
  assertThrows(() => loadConfig(env({ KUBECTL_GROVE_CONFIG: "/nope.yaml" }), read), ConfigError);
});

Deno.test("a bad environment value names the variable", () => {
  const read = (p: string): string => {
    throw new Deno.errors.NotFound(p);
  };
  const e = assertThrows(
    () => loadConfig(env({ HOME: "/h", KUBECTL_GROVE_METRICS_PORT: "0" }), read),
    ConfigError,
  );
  assertMatch(e.message, /environment variable KUBECTL_GROVE_METRICS_PORT: metrics\.port/);
});
