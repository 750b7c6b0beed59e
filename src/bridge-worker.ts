// Running the bridge's worker inside a backend's own process (`temporal-chat-bridge/worker`): settings
// from an environment-shaped object, validated; a connection of the backend's own if it has one.
//
//   const config = loadWorkerConfig({ ...process.env, CHAT_BRIDGE_TASK_QUEUE: 'chat-bridge' });
//   const bridge = await createBridgeWorker(config, { connection });
//   await bridge.run(); // or bridge.runUntil(fn); bridge.stop('deploy') hands sessions to other workers
export { createBridgeWorker, type BridgeWorker, type BridgeWorkerOptions } from './create-worker';
export { ConfigError, loadWorkerConfig, type WorkerEnv } from './config/worker-config';
export type { ProviderModule } from './providers/provider-module';
