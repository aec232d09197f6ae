import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "../../helpers/assert.ts";
import { REDACTED, redactObject, redactText } from "../../../tasks/diag/redact.ts";

Deno.test("redactText removes tokens, passwords, keys and JWTs but keeps the rest", () => {
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlX3ZhbHVl";
  const input = [
    "Authorization: Bearer abcdef0123456789abcdef",
    `token=${"s3cr3t".repeat(3)} next`,
    `{"level":"info","password":"hunter2hunter2","msg":"ok"}`,
    `using key AKIAIOSFODNN7EXAMPLE for s3`,
    `jwt ${jwt}`,
    `hf hf_abcdefghijklmnopqrstuvwxyz0123`,
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "--api-key sk-live-123456 --port 8000",
    "reconciled podcliqueset inference/qwen in 12ms",
  ].join("\n");
  const { text, count } = redactText(input);
  for (
    const secret of [
      "abcdef0123456789abcdef",
      "s3cr3t",
      "hunter2",
      "AKIAIOSFODNN7EXAMPLE",
      jwt,
      "hf_abcdef",
      "MIIEpAIBAAKCAQEA",
      "sk-live-123456",
    ]
  ) {
    assert(!text.includes(secret), `${secret} leaked:\n${text}`);
  }
  assertMatch(text, /reconciled podcliqueset inference\/qwen in 12ms/);
  assertMatch(text, /--port 8000/);
  assertMatch(text, /"level":"info"/);
  assert(count >= 8, `count ${count}`);
});

Deno.test("redactText leaves ordinary log lines untouched", () => {
  const line =
    '{"level":"error","msg":"Reconciler error","podcliqueset":{"name":"qwen"},"error":"pods not ready"}';
  assertEquals(redactText(line), { text: line, count: 0 });
});

Deno.test("redactObject drops secretKeyRef values, secret-looking env, last-applied and managedFields", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "p",
      annotations: {
        "kubectl.kubernetes.io/last-applied-configuration": '{"token":"x"}',
        keep: "yes",
      },
      managedFields: [{ manager: "kubectl" }],
    },
    spec: {
      containers: [{
        name: "vllm",
        args: ["--model", "Qwen/Qwen3-32B", "--hf-token", "hf_plaintextvalue1234567890"],
        env: [
          { name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf", key: "token" } } },
          { name: "DB_PASSWORD", value: "plain-password" },
          { name: "MODEL", value: "Qwen/Qwen3-32B" },
        ],
      }],
    },
  };
  const { object, count } = redactObject(pod);
  const text = JSON.stringify(object);
  assertNotMatch(text, /plain-password|hf_plaintextvalue|last-applied|managedFields/);
  assertMatch(text, /Qwen\/Qwen3-32B/);
  assertEquals(object.spec.containers[0].env[0], {
    name: "HF_TOKEN",
    valueFrom: { secretKeyRef: { name: "hf", key: "token" } },
  });
  assertEquals(object.spec.containers[0].env[1].value, REDACTED);
  assertEquals(object.metadata.annotations as Record<string, string>, { keep: "yes" });
  assert(count >= 4);
  // the input is not modified
  assertEquals(pod.spec.containers[0].env[1].value, "plain-password");
});

Deno.test("redactObject reaches pod templates inside PodCliqueSets", () => {
  const pcs = {
    kind: "PodCliqueSet",
    metadata: { name: "x" },
    spec: {
      template: {
        cliques: [{
          name: "w",
          spec: {
            podSpec: { containers: [{ name: "c", env: [{ name: "API_KEY", value: "k-123" }] }] },
          },
        }],
      },
    },
  };
  assertNotMatch(JSON.stringify(redactObject(pcs).object), /k-123/);
});

Deno.test("redactText: credentials in URLs, API tokens; numbers and booleans after token-like keys stay", () => {
  const cases: [string, string][] = [
    ["DATABASE_URL=postgres://app:s3cr3t-pw@db:5432/x", "postgres://app:[REDACTED]@db:5432/x"],
    ["fetch https://user:pa55@models.example/q failed", "https://user:[REDACTED]@models.example/q"],
    ["clone https://ghp_abcdefghijklmnopqrstuvwx@github.com/o/r", "https://[REDACTED]@github.com"],
    ["notify xoxb-1234567890-abcdefghij", "notify [REDACTED]"],
    ["key sk-proj-abcdefghijklmnopqrstuvwxyz", "key [REDACTED]"],
    ["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "= [REDACTED]"],
    ["X-Api-Key: abcd1234", "X-Api-Key: [REDACTED]"],
  ];
  for (const [input, expected] of cases) {
    const r = redactText(input);
    assertStringIncludes(r.text, expected, input);
    assert(r.count >= 1, input);
  }
  for (const secret of ["s3cr3t-pw", "pa55", "ghp_abc", "xoxb-123", "sk-proj", "wJalrXUtnFEMI"]) {
    assert(!cases.some(([i]) => redactText(i).text.includes(secret)), secret);
  }
  // settings, not secrets: kept, so the bundle still shows how the engine was configured
  const settings =
    "--max-num-batched-tokens=8192 max_tokens=512 use_token=true token_ttl: 3600 ssh://git@host/r";
  assertEquals(redactText(settings), { text: settings, count: 0 });
});

Deno.test("redactObject: env values with URL credentials and status messages (termination log tails)", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p" },
    spec: {
      containers: [{
        name: "c",
        args: ["--max-num-batched-tokens=8192"],
        env: [{ name: "CACHE_URL", value: "redis://default:r3dis-pw@cache:6379" }],
      }],
    },
    status: {
      conditions: [{ type: "Ready", status: "False", message: "probe: Bearer abcdefghijklmnop" }],
      containerStatuses: [{
        name: "c",
        lastState: { terminated: { exitCode: 1, message: 'Traceback ... "password": "hunter22"' } },
      }],
    },
  };
  const { object, count } = redactObject(pod);
  const text = JSON.stringify(object);
  assertNotMatch(text, /r3dis-pw|abcdefghijklmnop|hunter22/);
  assertStringIncludes(text, "redis://default:[REDACTED]@cache:6379");
  assertStringIncludes(text, "--max-num-batched-tokens=8192");
  assertEquals(count, 3);
});
