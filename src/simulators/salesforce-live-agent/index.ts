// Public surface of the Live Agent simulator.
export { LiveAgentSimulator, LIVE_AGENT_PATH_PREFIX, CONTROL_PATH_PREFIX } from './live-agent-simulator';
export type { AgentIdentity } from './agent-actions';
export { SimulatorControlError } from '../shared/control-error';
export type { LiveAgentSimulatorEventMap, LiveAgentSimulatorEventName, LoggedEvent } from './events';
export { faultSchema, type Fault, type FaultInput } from './faults';
export type { SessionDetails, SessionSummary } from './session-view';
export {
  liveAgentSimulatorSettingsSchema,
  type FaultRates,
  type LiveAgentSimulatorOptions,
  type LiveAgentSimulatorSettings,
  type LiveAgentSimulatorSettingsInput,
} from './settings';
export type { ChasitorMessageRecord, EndReason } from './sim-session';
export type { SimulatorStats } from './stats';
export type { ChaosUpdate } from './control-schemas';
