// docker-compose.yml, checked the way Docker Compose itself reads it: Compose's own loader library (tools/compose-config,
// built by scripts/install-compose-config.sh) resolves the file into what `docker compose config --format json`
// prints, and the test asserts the services and how they are wired. No Docker engine is needed: loading only parses,
// validates and interpolates.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SEARCH_ATTRIBUTES } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const COMPOSE = join(ROOT, '.tools/bin/compose-config');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string; required: boolean }>;
  healthcheck?: { test: string[] };
  entrypoint?: string[] | null;
  command?: string[] | null;
  ports?: { target: number; published?: string }[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  restart?: string;
}
interface ComposeConfig {
  services: Record<string, Service>;
}

/** The file as `docker compose config --format json` prints it, in a controlled environment (nothing of the caller's leaks in). */
function composeConfig(env: Record<string, string>, extraArgs: string[] = []): ComposeConfig {
  if (!existsSync(COMPOSE)) {
    assert.fail(`${COMPOSE} is missing: run \`bash scripts/install-compose-config.sh\` (scripts/setup.sh and \`make test\` call it).`);
  }
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(COMPOSE_|DOCKER_|TEMPORAL_|DURABLE_AGENT_|ANTHROPIC_)/.test(k),
    ),
  ) as Record<string, string>;
  const stdout = execFileSync(COMPOSE, ['-f', COMPOSE_FILE, ...extraArgs], {
    cwd: ROOT,
    env: { ...clean, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(stdout) as ComposeConfig;
}

const DUMMY_KEY = `sk-ant-dummy-${process.pid}`;
let cached: ComposeConfig | undefined;
const config = (): ComposeConfig => (cached ??= composeConfig({ ANTHROPIC_API_KEY: DUMMY_KEY }));

/** The version an installer pins (its VERSION="..." line). */
function pinned(script: string): string | undefined {
  return /^VERSION="([^"]+)"$/m.exec(readFileSync(join(ROOT, script), 'utf8'))?.[1];
}

function service(name: string): Service {
  const s = config().services[name];
  assert.ok(s, `docker-compose.yml has a "${name}" service (has: ${Object.keys(config().services).join(', ')})`);
  return s;
}

function env(s: Service, name: string): string {
  const value = s.environment?.[name];
  assert.equal(typeof value, 'string', `environment variable ${name} is set (got ${JSON.stringify(s.environment)})`);
  return value as string;
}

/** `host:port` → the service it names and that service's container port. */
function assertPointsAt(address: string, serviceName: string, what: string): void {
  const [host, port] = address.split(':');
  assert.equal(host, serviceName, `${what}: host is the ${serviceName} service`);
  const target = service(serviceName).ports?.map((p) => p.target) ?? [];
  assert.ok(target.includes(Number(port)), `${what}: port ${port} is one ${serviceName} listens on (${target.join(', ')})`);
}

function dependsOn(s: Service, on: string, condition: string, who: string): void {
  assert.equal(s.depends_on?.[on]?.condition, condition, `${who} waits for ${on} (${condition})`);
}

describe('docker-compose.yml', () => {
  test('has postgres, the schema step, two temporal server processes, the Web UI, the search-attribute step and the worker; images are pinned', () => {
    for (const name of ['postgres', 'temporal-schema', 'temporal', 'temporal-2', 'temporal-ui', 'register-search-attributes', 'worker']) service(name);
    for (const [name, s] of Object.entries(config().services)) {
      if (s.build) continue;
      assert.match(s.image ?? '', /^[\w./-]+:[\w.-]+$/, `${name} names an image with a tag`);
      assert.doesNotMatch(s.image ?? '', /:latest$/, `${name} pins a version, not latest`);
    }
    assert.match(service('temporal').image!, /^temporalio\/server:/);
    assert.match(service('temporal-ui').image!, /^temporalio\/ui:/);
    assert.match(service('postgres').image!, /^postgres:/);
  });

  test('one Temporal server version everywhere: the compose server and its admin tools are the dev server\'s', () => {
    const reported = execFileSync(join(ROOT, '.tools/bin/temporal'), ['--version'], { encoding: 'utf8' });
    const devServer = /\(Server (\d+\.\d+\.\d+),/.exec(reported)?.[1];
    assert.ok(devServer, `the dev server names its Temporal server version: ${reported}`);
    assert.equal(service('temporal').image, `temporalio/server:${devServer}`);
    assert.equal(service('temporal-2').image, `temporalio/server:${devServer}`);
    for (const name of ['temporal-schema', 'register-search-attributes']) {
      assert.equal(service(name).image, `temporalio/admin-tools:${devServer}`, `${name} uses the same server version's tools`);
    }
    // The production topology's own builds (scripts/cluster.sh): the same server, the same Web UI as the dev server's.
    assert.equal(pinned('scripts/install-temporal-server.sh'), `v${devServer}`, 'scripts/install-temporal-server.sh builds that version');
    const devUi = /\bUI (\d+\.\d+\.\d+)/.exec(reported)?.[1];
    assert.equal(service('temporal-ui').image, `temporalio/ui:${devUi}`, 'the Web UI image is the dev server\'s UI');
    assert.equal(pinned('scripts/install-temporal-ui-server.sh'), `v${devUi}`, 'scripts/install-temporal-ui-server.sh builds that UI');
    const built = join(ROOT, '.tools/temporal-server/bin/temporal-server');
    if (existsSync(built)) assert.equal(execFileSync(built, ['--version'], { encoding: 'utf8' }).trim(), `temporal version ${devServer}`);
  });

  test('the tested topology (scripts/cluster.sh) and compose run the servers alike: environment, dynamic config, schema and search-attribute steps, two server processes', () => {
    const cluster = readFileSync(join(ROOT, 'scripts/cluster.sh'), 'utf8');
    const shared = Object.fromEntries(
      readFileSync(join(ROOT, 'deploy/temporal/server.env'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.ok(Object.keys(shared).length >= 5, 'deploy/temporal/server.env holds the servers\' shared environment');
    assert.match(cluster, /grep -E '\^\[A-Z_\]\[A-Z0-9_\]\*=' "\$ROOT\/deploy\/temporal\/server\.env"/, 'cluster.sh exports server.env into every server');
    // What cluster.sh sets on top of the shared file, for loopback (`NAME=` in server_env()).
    const body = cluster.slice(cluster.indexOf('server_env() {'), cluster.indexOf('frontend_of() {'));
    const loopback = new Set([...body.matchAll(/"?([A-Z][A-Z0-9_]+)=/g)].map((m) => m[1]!));
    const servers = Object.entries(config().services).filter(([, s]) => s.image?.startsWith('temporalio/server:'));
    assert.equal(servers.length, Number(/^SERVERS=(\d+)$/m.exec(cluster)?.[1]), 'as many server processes as cluster.sh starts');
    for (const [name, s] of servers) {
      for (const [key, value] of Object.entries(shared)) assert.equal(s.environment?.[key], value, `${name}: ${key} from server.env`);
      const own = Object.keys(s.environment ?? {}).filter((k) => !(k in shared));
      for (const key of own) assert.ok(loopback.has(key), `${name} sets ${key}, which cluster.sh sets for loopback too (has: ${[...loopback].join(', ')})`);
      const dynamic = s.volumes?.find((v) => v.target.endsWith(`/${env(s, 'DYNAMIC_CONFIG_FILE_PATH')}`));
      assert.equal(dynamic?.source, join(ROOT, 'deploy/temporal/dynamicconfig.yaml'), `${name} reads deploy/temporal/dynamicconfig.yaml`);
      dependsOn(s, 'temporal-schema', 'service_completed_successfully', name);
    }
    assert.match(cluster, /DYNAMIC_CONFIG_FILE_PATH=\$ROOT\/deploy\/temporal\/dynamicconfig\.yaml/, 'cluster.sh reads the same dynamic config');
    assert.match(cluster, /sh deploy\/temporal\/setup-postgres\.sh/, 'cluster.sh creates the schemas with the same script');
    assert.match(cluster, /sh deploy\/temporal\/register-search-attributes\.sh/, 'cluster.sh registers the search attributes with the same script');
  });

  test('a one-shot step creates and migrates the schemas with Temporal\'s schema tool before the server starts', () => {
    const schema = service('temporal-schema');
    const postgres = service('postgres');
    dependsOn(schema, 'postgres', 'service_healthy', 'the schema step');
    dependsOn(service('temporal'), 'temporal-schema', 'service_completed_successfully', 'temporal');
    assert.equal(schema.restart ?? 'no', 'no', 'one-shot: not restarted');
    assert.equal(env(schema, 'SQL_HOST'), 'postgres');
    assert.equal(env(schema, 'SQL_USER'), env(postgres, 'POSTGRES_USER'));
    assert.equal(env(schema, 'SQL_PASSWORD'), env(postgres, 'POSTGRES_PASSWORD'));
    const script = readFileSync(join(ROOT, 'deploy/temporal/setup-postgres.sh'), 'utf8');
    assert.match(script, /temporal-sql-tool --plugin postgres12/);
    assert.match(script, /for db in temporal temporal_visibility/);
    assert.match(script, /update-schema -d/);
  });

  test('temporal runs on postgres with the credentials postgres is created with', () => {
    const temporal = service('temporal');
    const postgres = service('postgres');
    assert.match(env(temporal, 'DB'), /^postgres(ql|12)/);
    assert.equal(env(temporal, 'POSTGRES_SEEDS'), 'postgres', 'the DB host is the postgres service');
    assert.equal(env(temporal, 'DB_PORT'), '5432');
    assert.equal(env(temporal, 'POSTGRES_USER'), env(postgres, 'POSTGRES_USER'));
    assert.equal(env(temporal, 'POSTGRES_PWD'), env(postgres, 'POSTGRES_PASSWORD'));
    assert.ok(postgres.healthcheck?.test.join(' ').includes('pg_isready'), 'postgres has a pg_isready healthcheck');
    dependsOn(temporal, 'postgres', 'service_healthy', 'temporal');
    assert.ok(temporal.healthcheck?.test.length, 'temporal has a healthcheck, so service_healthy can be waited for');
  });

  test('the Web UI and the worker point at the temporal service', () => {
    const ui = service('temporal-ui');
    assertPointsAt(env(ui, 'TEMPORAL_ADDRESS'), 'temporal', 'Web UI TEMPORAL_ADDRESS');
    dependsOn(ui, 'temporal', 'service_healthy', 'the Web UI');

    const worker = service('worker');
    assertPointsAt(env(worker, 'TEMPORAL_ADDRESS'), 'temporal', 'worker TEMPORAL_ADDRESS');
    assert.ok(env(worker, 'DURABLE_AGENT_TASK_QUEUE').length > 0, 'the worker has a task queue');
    assert.equal(env(worker, 'DURABLE_AGENT_TASK_QUEUE'), 'durable-agent', 'default task queue, as clients default to');
    assert.equal(env(worker, 'TEMPORAL_NAMESPACE'), env(service('temporal'), 'DEFAULT_NAMESPACE'), 'the namespace the server is told of');
    assert.equal(env(worker, 'DURABLE_AGENT_SEARCH_ATTRIBUTES'), 'true');
    dependsOn(worker, 'temporal', 'service_healthy', 'the worker');
    dependsOn(worker, 'register-search-attributes', 'service_completed_successfully', 'the worker');
  });

  test('a one-shot step creates the namespace and registers the Keyword search attributes after the server is healthy', () => {
    const step = service('register-search-attributes');
    dependsOn(step, 'temporal', 'service_healthy', 'search-attribute registration');
    assertPointsAt(env(step, 'TEMPORAL_ADDRESS'), 'temporal', 'registration TEMPORAL_ADDRESS');
    assert.equal(step.restart ?? 'no', 'no', 'one-shot: not restarted');
    assert.deepEqual(step.entrypoint, ['/bin/sh', '/register-search-attributes.sh']);
    assert.ok(
      step.volumes?.some((v) => v.source === join(ROOT, 'deploy/temporal/register-search-attributes.sh') && v.target === '/register-search-attributes.sh'),
      'the step runs deploy/temporal/register-search-attributes.sh (the script scripts/cluster.sh runs)',
    );
    const script = readFileSync(join(ROOT, 'deploy/temporal/register-search-attributes.sh'), 'utf8').replace(/\\\n\s*/g, ' ');
    const create = script.slice(script.indexOf('temporal operator search-attribute create'));
    assert.ok(create.length > 0, `the step runs \`temporal operator search-attribute create\`: ${script}`);
    const argv = create.split(/\s+/);
    assert.equal(argv[argv.indexOf('--namespace') + 1], '"$namespace"');
    assert.match(script, /namespace="\$\{TEMPORAL_NAMESPACE:-default\}"/, 'the default namespace unless told otherwise');
    assert.equal(env(service('worker'), 'TEMPORAL_NAMESPACE'), 'default', 'registered in the worker’s namespace');
    assert.match(script, /temporal operator namespace create --namespace "\$namespace"/, 'the namespace is created first when missing');
    const names = argv.flatMap((a, i) => (a === '--name' ? [argv[i + 1]] : []));
    const types = argv.flatMap((a, i) => (a === '--type' ? [argv[i + 1]] : []));
    assert.equal(names.length, types.length, '--name and --type pair up');
    const registered = Object.fromEntries(names.map((n, i) => [n, types[i]]));
    assert.deepEqual(
      registered,
      Object.fromEntries(Object.values(SEARCH_ATTRIBUTES).map((n) => [n, 'Keyword'])),
      'exactly the search attributes durable-agent writes, all Keyword',
    );
  });

  test('the worker is built from ./Dockerfile, whose CMD runs the worker', () => {
    const worker = service('worker');
    assert.equal(worker.image, undefined, 'the worker is built, not pulled');
    assert.equal(worker.build?.context.replace(/\/$/, ''), ROOT.replace(/\/$/, ''), 'build context is the repository root');
    assert.equal(worker.build?.dockerfile, 'Dockerfile');

    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    assert.ok(froms.length > 0 && froms.every((l) => /^FROM node:20[\w.-]*\b/.test(l)), `node:20 base images: ${froms.join(' | ')}`);
    assert.ok(instructions.some((l) => /^RUN .*\bnpm ci\b/.test(l)), 'installs from the lock file (npm ci)');
    assert.ok(instructions.some((l) => /^RUN .*\bnpm run build\b/.test(l)), 'compiles with npm run build');
    const lastStage = instructions.slice(instructions.lastIndexOf(froms.at(-1)!));
    const cmds = lastStage.filter((l) => l.startsWith('CMD '));
    assert.equal(cmds.length, 1, 'the final stage has one CMD');
    assert.deepEqual(JSON.parse(cmds[0]!.slice(4)) as unknown, ['node', 'bin/durable-agent.js', 'worker']);
    assert.ok(existsSync(join(ROOT, 'bin/durable-agent.js')), 'the CMD’s entry point exists');
    assert.ok(lastStage.some((l) => /^COPY .*\bbin\b/.test(l)) && lastStage.some((l) => /^COPY .*\bdist\b/.test(l)), 'the runtime stage has bin/ and dist/');

    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const p of ['node_modules', '.tools', '.data', 'dist', '.artifacts', '.git']) assert.ok(ignored.includes(p), `.dockerignore lists ${p}`);
  });

  test('the Anthropic API key comes from the host environment, never from the file', () => {
    assert.equal(env(service('worker'), 'ANTHROPIC_API_KEY'), DUMMY_KEY, 'the key set in the environment reaches the worker');
    const unset = composeConfig({});
    assert.equal(unset.services.worker?.environment?.ANTHROPIC_API_KEY, '', 'no key in the environment: empty (the worker refuses to start)');
    const raw = composeConfig({}, ['--no-interpolate']);
    assert.match(String(raw.services.worker?.environment?.ANTHROPIC_API_KEY), /^\$\{ANTHROPIC_API_KEY(:-)?\}$/);
    assert.doesNotMatch(readFileSync(COMPOSE_FILE, 'utf8'), /sk-ant-/, 'no key is written in docker-compose.yml');
  });
});
