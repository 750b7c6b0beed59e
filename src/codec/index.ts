// Payload encryption for Temporal history (README, "Encryption") and the remote codec server.
export { CodecKeyError, formatCodecKeys, generateKey, parseCodecKeys, type CodecKey } from './codec-keys';
export { CodecServer, defaultCorsOrigins, uiCodecEndpoint, type CodecServerOptions } from './codec-server';
export { loadCodecServerConfig, type CodecServerEnv } from './codec-server-config';
export {
  clientDataConverter,
  encryptedFailureConverterPath,
  encryptionDataConverter,
} from './data-converter';
export {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from './encryption-codec';
