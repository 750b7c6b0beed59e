// Public surface of the Genesys GMS chat v2 simulator.
export {
  GmsSimulator,
  missingFieldCode,
  type GmsFaults,
  type GmsSimStats,
  type GmsSimulatorOptions,
} from './gms-simulator';
export type { GmsSimChat, GmsSimSettings } from './sim-chat';
export { defaultFileLimits, fileRefusalCode, type GmsSimFileLimits } from './sim-files';
export { SimulatorControlError } from '../shared/control-error';
