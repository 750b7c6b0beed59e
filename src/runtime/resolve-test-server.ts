// Provides the time-skipping test server for `TestWorkflowEnvironment.createTimeSkipping`. The SDK
// would download a native build; offline we run the same server from its Java artifact instead,
// behind a shell wrapper the SDK can exec as `<wrapper> <port>`.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cacheDir } from './cache-dir';
import { elapsed, lastLines, probeTool, runStreaming } from './run-tool';

export const TEST_SERVER_VERSION = '1.38.0';
export const SLF4J_NOP_VERSION = '2.0.17';
/** Pinned so the classpath resolution behaves the same on every machine. */
export const MAVEN_DEPENDENCY_PLUGIN_VERSION = '3.8.1';
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';
/**
 * The SDK gives the server 5 s to accept connections: the C1-only JIT, serial GC and class-data sharing
 * roughly halve JVM start-up for this short-lived server.
 */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

export type TestServerSource = 'TEMPORAL_TEST_SERVER_PATH' | 'cache' | 'maven';

export interface ResolvedTestServer {
  path: string;
  source: TestServerSource;
}

export interface ResolveTestServerOptions {
  log?: (line: string) => void;
}

export function testServerDir(): string {
  return join(cacheDir(), 'test-server', TEST_SERVER_VERSION);
}

export function testServerWrapperPath(): string {
  return join(testServerDir(), 'temporal-test-server');
}

export async function resolveTestServer(opts: ResolveTestServerOptions = {}): Promise<ResolvedTestServer> {
  const log = opts.log ?? (() => undefined);

  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH?.trim();
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${explicit} does not exist`);
    log(`test server from TEMPORAL_TEST_SERVER_PATH: ${explicit}`);
    return { path: explicit, source: 'TEMPORAL_TEST_SERVER_PATH' };
  }

  const cached = validateCachedWrapper();
  if (cached.ok) {
    log(`test server from the cache: ${testServerWrapperPath()}`);
    return { path: testServerWrapperPath(), source: 'cache' };
  }
  log(`no usable cached test server (${cached.reason}); resolving it with Maven`);
  return { path: await buildWrapper(log), source: 'maven' };
}

/** The wrapper is usable while it exists and every jar (and the java it names) is still on disk. */
function validateCachedWrapper(): { ok: true } | { ok: false; reason: string } {
  const wrapper = testServerWrapperPath();
  const classpathFile = join(testServerDir(), 'classpath.txt');
  const javaFile = join(testServerDir(), 'java-path.txt');
  if (!existsSync(wrapper)) return { ok: false, reason: 'not built yet' };
  if (!existsSync(classpathFile) || !existsSync(javaFile)) return { ok: false, reason: 'incomplete cache' };
  const java = readFileSync(javaFile, 'utf8').trim();
  if (!existsSync(java)) return { ok: false, reason: `${java} is gone` };
  const jars = readFileSync(classpathFile, 'utf8').trim().split(delimiter).filter(Boolean);
  if (jars.length === 0) return { ok: false, reason: 'empty classpath' };
  const missing = jars.find((jar) => !existsSync(jar));
  if (missing) return { ok: false, reason: `${missing} is missing from the Maven repository` };
  return { ok: true };
}

async function buildWrapper(log: (line: string) => void): Promise<string> {
  const java = await findJava();
  const mvn = await probeTool('mvn', ['-v']);
  if (!mvn.ok) {
    throw new Error(
      `Maven is needed once to fetch the Temporal test server (${mvn.error}).\n` +
        'Install it (Debian/Ubuntu: `apt-get install maven`), or set TEMPORAL_TEST_SERVER_PATH to a test server executable.',
    );
  }

  const dir = testServerDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pomXml());
  const classpathFile = join(dir, 'classpath.txt');
  rmSync(classpathFile, { force: true });
  const started = Date.now();
  log(`mvn dependency:build-classpath for io.temporal:temporal-test-server:${TEST_SERVER_VERSION} in ${dir}`);
  const result = await runStreaming(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`],
    { cwd: dir, onLine: (line) => log(`[${elapsed(started)}] ${line}`) },
  );
  if (result.code !== 0 || !existsSync(classpathFile)) {
    throw new Error(
      `Maven could not resolve the test server (exit ${result.code ?? result.signal}):\n${lastLines(result.tail, 15)}\n` +
        'Check that Maven can reach its central repository (or a mirror in ~/.m2/settings.xml).',
    );
  }
  const classpath = readFileSync(classpathFile, 'utf8').trim();
  log(`classpath resolved in ${elapsed(started)} (${classpath.split(delimiter).length} jars)`);

  // Write then rename so a concurrent or interrupted run never sees a half-written wrapper.
  const wrapper = testServerWrapperPath();
  const tmp = `${wrapper}.${process.pid}.tmp`;
  writeFileSync(tmp, wrapperScript(java, classpath));
  chmodSync(tmp, 0o755);
  writeFileSync(join(dir, 'java-path.txt'), `${java}\n`);
  renameSync(tmp, wrapper);
  log(`wrote ${wrapper}`);
  return wrapper;
}

/** An absolute java path, so the wrapper does not depend on the PATH of whoever spawns it. */
async function findJava(): Promise<string> {
  const javaHome = process.env.JAVA_HOME?.trim();
  const candidates = [...(javaHome ? [join(javaHome, 'bin', 'java')] : []), 'java'];
  for (const candidate of candidates) {
    const probe = await probeTool(candidate, ['-version']);
    if (!probe.ok) continue;
    if (candidate !== 'java') return candidate;
    const which = await probeTool('sh', ['-c', 'command -v java']);
    if (which.ok && which.output) return which.output.split('\n')[0] ?? 'java';
  }
  throw new Error(
    'Java is needed to run the Temporal time-skipping test server.\n' +
      'Install a JDK or JRE (Debian/Ubuntu: `apt-get install default-jre-headless`), or set JAVA_HOME, ' +
      'or set TEMPORAL_TEST_SERVER_PATH to a test server executable.',
  );
}

function wrapperScript(java: string, classpath: string): string {
  return [
    '#!/bin/sh',
    `# Temporal time-skipping test server ${TEST_SERVER_VERSION}, generated by \`npm run setup\`.`,
    '# The SDK runs it as `<this file> <port> [extraArgs...]`; exec keeps the PID so its kill reaches the JVM.',
    `exec ${shellQuote(java)} ${JVM_FLAGS.join(' ')} -cp ${shellQuote(classpath)} ${TEST_SERVER_MAIN_CLASS} "$@"`,
    '',
  ].join('\n');
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function pomXml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by temporal-chat-bridge: only used to resolve the test server's classpath. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.temporal-chat-bridge</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <dependency>
      <!-- Silences SLF4J's "no provider" warning on every start. -->
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>${SLF4J_NOP_VERSION}</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${MAVEN_DEPENDENCY_PLUGIN_VERSION}</version>
      </plugin>
    </plugins>
  </build>
</project>
`;
}
