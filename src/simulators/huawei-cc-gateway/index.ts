// Public surface of the Huawei CC-Gateway agent interface simulator.
export { GatewaySimulator, type GatewaySimStats, type GatewaySimulatorOptions } from './gateway-simulator';
export type { GatewayFaults } from './gateway-faults';
export { PushFanout } from './push-fanout';
export { defaultGatewaySettings, SimAgent, signOutReason, type GatewaySimSettings } from './sim-agent';
export { SimulatorControlError } from '../shared/control-error';
