// docker-compose.yml and the Dockerfile, checked without a Docker engine: the stack's shape, that
// workers scale, that every variable the worker requires is passed, and that the search attributes
// registered are exactly the ones the workflow upserts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { workerEnvSchema } from '../../src/config/worker-config';
import { providerModules } from '../../src/providers/enabled-providers';
import { serverDynamicConfig } from '../../src/runtime/server-dynamic-config';
import { searchAttributeRegistrations } from '../../src/shared/search-attributes';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  container_name?: string;
  ports?: unknown[];
  expose?: unknown[];
  profiles?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string | number>;
}

// `merge: true` resolves the `<<: *bridge-image` merge keys the way Compose does.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  assert.ok(found, `service ${name} is defined`);
  return found;
};
const env = (name: string) => service(name).environment ?? {};
/** `${VAR:?message}`: Compose refuses to start without it, so no secret has a default. */
const requiredFromEnv = (value: unknown, variable: string) =>
  typeof value === 'string' && value.startsWith(`\${${variable}:?`);

describe('docker-compose.yml', () => {
  it('defines the whole stack, with the simulator under the demo profile and Jaeger under tracing', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'codec-server',
      'jaeger',
      'live-agent-simulator',
      'postgresql',
      'register-search-attributes',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
    assert.deepEqual(service('live-agent-simulator').profiles, ['demo']);
    assert.deepEqual(service('jaeger').profiles, ['tracing']);
    for (const [name, s] of Object.entries(services)) {
      if (name !== 'live-agent-simulator' && name !== 'jaeger')
        assert.equal(s.profiles, undefined, `${name} runs without a profile`);
      assert.equal(s.container_name, undefined, `${name} has no container_name`);
    }
  });

  it('publishes host ports on loopback unless PUBLISH_ADDRESS says otherwise', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const port of s.ports ?? []) {
        assert.match(
          String(port),
          /^\$\{PUBLISH_ADDRESS:-127\.0\.0\.1\}:/,
          `${name} publishes ${String(port)}`,
        );
      }
    }
  });

  it('lets workers scale: no container name, no host ports, metrics exposed inside the network', () => {
    const worker = service('worker');
    assert.equal(worker.ports, undefined);
    assert.deepEqual(worker.expose, ['9464']);
    assert.equal(env('worker').METRICS_BIND_ADDRESS, '0.0.0.0:9464');
    assert.deepEqual(worker.command, ['node', 'lib/src/worker.js']);
    assert.deepEqual(worker.build, { context: '.' });
  });

  it('starts workers only after the server is up and the search attributes are registered', () => {
    assert.deepEqual(service('worker').depends_on, {
      temporal: { condition: 'service_started' },
      'register-search-attributes': { condition: 'service_completed_successfully' },
    });
    assert.deepEqual(service('temporal').depends_on, { postgresql: { condition: 'service_healthy' } });
    assert.equal(service('register-search-attributes').depends_on?.temporal?.condition, 'service_started');
  });

  it('runs Temporal on PostgreSQL through auto-setup, and the UI against it with the codec server', () => {
    assert.match(service('temporal').image ?? '', /^temporalio\/auto-setup:/);
    assert.equal(env('temporal').DB, 'postgres12');
    assert.equal(env('temporal').POSTGRES_SEEDS, 'postgresql');
    assert.match(service('postgresql').image ?? '', /^postgres:/);
    assert.match(service('temporal-ui').image ?? '', /^temporalio\/ui:/);
    assert.equal(env('temporal-ui').TEMPORAL_ADDRESS, 'temporal:7233');
    assert.ok(env('temporal-ui').TEMPORAL_CODEC_ENDPOINT, 'the UI knows the codec endpoint');
    assert.deepEqual(service('codec-server').command, ['node', 'lib/scripts/codec-server.js']);
    assert.equal(env('codec-server').CODEC_SERVER_HOST, '0.0.0.0');
  });

  it('registers exactly the search attributes of src/shared/search-attributes.ts', () => {
    const registrar = service('register-search-attributes');
    assert.match(registrar.image ?? '', /^temporalio\/admin-tools:/);
    const script = (registrar.command ?? []).join('\n');
    const registered = [
      ...script.matchAll(/temporal operator search-attribute create .*--name (\S+) --type (\S+)/g),
    ].map(([, name, type]) => ({ name, type }));
    assert.deepEqual(
      registered.sort((a, b) => a.name!.localeCompare(b.name!)),
      searchAttributeRegistrations
        .map(({ name, type }) => ({ name, type }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('passes every variable the worker requires, and only variables the worker reads', () => {
    const workerEnv = env('worker');
    // The worker's own variables, and those of the vendors the stack enables (the default: Live Agent).
    const enabled = String(workerEnv.CHAT_BRIDGE_PROVIDERS ?? 'salesforce-live-agent').split(',');
    const shapes = [
      workerEnvSchema.shape,
      ...providerModules.filter((m) => enabled.includes(m.name)).map((m) => shapeOf(m.envSchema)),
    ];
    const required = shapes
      .flatMap((shape) => Object.entries(shape))
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name);
    assert.ok(
      required.includes('LIVE_AGENT_URL') && required.includes('WEBHOOK_SECRET'),
      'schema introspection works',
    );
    for (const name of required) {
      assert.ok(name in workerEnv, `worker environment sets ${name}`);
    }
    const known = new Set([
      ...Object.keys(workerEnvSchema.shape),
      ...providerModules.flatMap((m) => Object.keys(shapeOf(m.envSchema))),
      'METRICS_BIND_ADDRESS',
    ]);
    for (const name of Object.keys(workerEnv)) assert.ok(known.has(name), `the worker reads ${name}`);
  });

  it('runs the server with the dynamic config the dev server uses (eager activities)', () => {
    const temporal = service('temporal');
    assert.equal(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH, 'config/dynamicconfig/chat-bridge.yaml');
    assert.ok(
      temporal.volumes?.includes('./deploy/dynamicconfig:/etc/temporal/config/dynamicconfig:ro'),
      'the config folder is mounted where auto-setup reads it',
    );
    const file = parse(read('deploy/dynamicconfig/chat-bridge.yaml')) as Record<
      string,
      Array<{ value: unknown }>
    >;
    const asConfigured = Object.fromEntries(
      Object.entries(file).map(([key, [entry]]) => [key, entry?.value]),
    );
    assert.deepEqual(asConfigured, serverDynamicConfig);
  });

  it("leaves tracing off by default and points the workers at the tracing profile's OTLP receiver", () => {
    const workerEnv = env('worker');
    assert.equal(workerEnv.OTEL_TRACES_EXPORTER, '${OTEL_TRACES_EXPORTER:-none}');
    assert.equal(workerEnv.OTEL_EXPORTER_OTLP_ENDPOINT, '${OTEL_EXPORTER_OTLP_ENDPOINT:-http://jaeger:4318}');
    assert.ok(service('jaeger').expose?.includes('4318'), 'Jaeger receives OTLP/HTTP on 4318');
    assert.ok(
      service('jaeger').command?.includes('receivers.otlp.protocols.http.endpoint=0.0.0.0:4318'),
      'the OTLP receiver listens beyond localhost inside the container',
    );
  });

  it('takes secrets and vendor settings from the environment, never from defaults in the file', () => {
    const required: Array<[string, string]> = [
      ['worker', 'WEBHOOK_SECRET'],
      ['worker', 'PAYLOAD_ENCRYPTION_KEYS'],
      ['worker', 'LIVE_AGENT_URL'],
      ['worker', 'LIVE_AGENT_ORG_ID'],
      ['codec-server', 'CODEC_SERVER_TOKEN'],
      ['codec-server', 'PAYLOAD_ENCRYPTION_KEYS'],
      ['postgresql', 'POSTGRES_PASSWORD'],
    ];
    for (const [name, variable] of required) {
      assert.ok(
        requiredFromEnv(env(name)[variable], variable),
        `${name}.${variable} uses \${${variable}:?...}`,
      );
    }
    assert.ok(requiredFromEnv(env('temporal').POSTGRES_PWD, 'POSTGRES_PASSWORD'));
  });

  it('runs compiled files that exist in the sources (tsconfig rootDir "." and outDir "lib")', () => {
    const tsconfig = JSON.parse(read('tsconfig.json')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    assert.equal(tsconfig.compilerOptions.outDir, 'lib');
    assert.equal(tsconfig.compilerOptions.rootDir, '.');
    for (const name of ['worker', 'codec-server', 'live-agent-simulator']) {
      const script = service(name).command?.[1] ?? '';
      assert.match(script, /^lib\/.+\.js$/);
      const source = script.replace(/^lib\//, '').replace(/\.js$/, '.ts');
      assert.ok(existsSync(path.join(root, source)), `${name} runs ${script}, compiled from ${source}`);
    }
    assert.deepEqual(service('live-agent-simulator').command?.slice(2, 4), ['--port', '8090']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds in a full Node 22 (LTS) stage and runs in a slim one', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    assert.match(stages[0]!, /^node:22\S* AS build/);
    assert.match(stages[0]!, /RUN npm ci/);
    assert.match(stages[0]!, /tsc -p tsconfig\.json/);
    assert.match(runtime, /^node:22\S*-slim/);
    assert.match(runtime, /ENV METRICS_BIND_ADDRESS=0\.0\.0\.0:9464/, 'metrics reachable in the network');
    assert.match(runtime, /COPY --from=build \/app\/lib \.\/lib/, 'compiled code, workflows included');
  });

  it('runs as the non-root node user, the worker by default', () => {
    assert.match(runtime, /^USER node$/m);
    const cmd = /^CMD (.+)$/m.exec(runtime)?.[1];
    assert.deepEqual(JSON.parse(cmd ?? 'null'), ['node', 'lib/src/worker.js']);
  });

  it('keeps local builds, dependencies and secrets out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'lib', '.git', '.env']) assert.ok(ignored.includes(entry), entry);
  });

  it('keeps the secrets file out of git', () => {
    const ignored = read('.gitignore')
      .split('\n')
      .map((l) => l.trim());
    assert.ok(ignored.includes('.env'));
  });
});

/** The object shape behind a vendor's env schema (an object, or an object piped into a transform). */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  const s = schema as unknown as {
    shape?: Record<string, z.ZodType>;
    in?: { shape?: Record<string, z.ZodType> };
  };
  const shape = s.shape ?? s.in?.shape;
  if (!shape) throw new Error('a provider env schema must be a zod object (optionally with a transform)');
  return shape;
}
