// Public surface of the test-stream simulator.
export { TestStreamSimulator, WIRE_PATH_PREFIX, CONTROL_PATH_PREFIX } from './test-stream-simulator';
export type { AgentIdentity } from './agent-actions';
export { SimulatorControlError } from '../shared/control-error';
export type { FaultsInput, MalformedVariant } from './faults';
export type { SessionDetails, SessionView } from './session-view';
export {
  testStreamSimulatorSettingsSchema,
  type TestStreamSimulatorOptions,
  type TestStreamSimulatorSettings,
} from './settings';
export type { EndReason, StoredEvent } from './sim-session';
export type { SimulatorStats } from './stats';
