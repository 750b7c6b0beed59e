// One time-skipping environment and one dev-server environment per test run, created on first use
// and torn down by the root hook. TEMPORAL_ADDRESS points the dev-server tests at an existing cluster.
import { Connection } from '@temporalio/client';
// Internal to the client package (no public way to ask for the test service on a connection of one's own).
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { resolveTemporalCli } from '../../src/runtime/resolve-temporal-cli';
import { resolveTestServer } from '../../src/runtime/resolve-test-server';
import {
  agentIdKey,
  agentNameKey,
  agentSkillsKey,
  agentStateKey,
  customerIdKey,
  deadLettersKey,
  vendorSessionIdKey,
  providerKey,
  queuePositionKey,
  sessionStatusKey,
} from '../../src/shared/search-attributes';

let runtimeInstalled = false;
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger((process.env.TEST_LOG_LEVEL as 'WARN' | undefined) ?? 'ERROR'),
  });
}

let timeSkipping: Promise<TestWorkflowEnvironment> | undefined;
let devServer: Promise<TestWorkflowEnvironment> | undefined;

export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  timeSkipping ??= ownTimeSkippingEnv();
  return timeSkipping;
}

/**
 * A time-skipping server of the caller's own, torn down by the caller: for tests whose workflows start
 * abandoned children (an ended chat's deliveries workflow). The test server then stops skipping time for
 * good (sdk-typescript #1101), which would stall every later test on a shared server.
 */
export async function ownTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const { path } = await resolveTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  return QuietTimeSkippingEnv.from(env);
}

/**
 * The time-skipping environment with a client connection that sends no keepalive pings. The client's
 * default (a ping every 30 s, even with no call open) is more than the Java test server's gRPC allows
 * (5 min with calls, none without): it answers GOAWAY "too_many_pings" and closes the connection, and a
 * long call in flight (`result()`, `sleep()`) can be lost with the test server's time-skipping lock held.
 * On loopback the pings buy nothing.
 */
class QuietTimeSkippingEnv extends TestWorkflowEnvironment {
  static async from(env: TestWorkflowEnvironment): Promise<TestWorkflowEnvironment> {
    const options = {
      address: env.address,
      channelArgs: { 'grpc.keepalive_time_ms': -1, 'grpc.keepalive_permit_without_calls': 0 },
      [InternalConnectionOptionsSymbol]: { supportsTestService: true },
    };
    const connection = await Connection.connect(options);
    await env.connection.close();
    const { server } = env as unknown as { server: 'existing' };
    return new QuietTimeSkippingEnv(
      Runtime.instance(),
      env.options,
      true,
      server,
      connection,
      env.nativeConnection,
      env.namespace,
      env.address,
      env.connectionOptions,
    );
  }
}

export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  devServer ??= (async () => {
    const address = process.env.TEMPORAL_ADDRESS;
    if (address) {
      return TestWorkflowEnvironment.createFromExistingServer({
        address,
        namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      });
    }
    const { path } = await resolveTemporalCli();
    return TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path },
        searchAttributes: [
          providerKey,
          sessionStatusKey,
          agentNameKey,
          customerIdKey,
          queuePositionKey,
          deadLettersKey,
          vendorSessionIdKey,
          agentIdKey,
          agentStateKey,
          agentSkillsKey,
        ],
        extraArgs: ['--log-level', 'error'],
      },
    });
  })();
  return devServer;
}

export async function teardownEnvs(): Promise<void> {
  const envs = await Promise.allSettled([timeSkipping, devServer].filter(Boolean));
  for (const env of envs) if (env.status === 'fulfilled') await env.value?.teardown();
  timeSkipping = devServer = undefined;
}
