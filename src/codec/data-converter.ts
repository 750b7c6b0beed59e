// The DataConverter that turns payload encryption on. Workers and every Client that starts, signals,
// updates or queries sessions must use the same keys, or they cannot read each other's payloads.
import type { DataConverter } from '@temporalio/common';
import type { CodecKey } from './codec-keys';
import { EncryptionCodec } from './encryption-codec';

/**
 * The failure converter module of an encrypting DataConverter. A prebuilt workflow bundle for an
 * encrypting worker must be built with it: `bundleWorkflowCode({ failureConverterPath })`.
 */
export const encryptedFailureConverterPath = require.resolve('./encrypted-failure-converter');

/**
 * `keys`: parsed keys or the PAYLOAD_ENCRYPTION_KEYS string (`id:base64,…`, newest last). Payloads
 * and failure messages and stack traces are encrypted; failure types stay readable.
 */
export function encryptionDataConverter(keys: readonly CodecKey[] | string): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: encryptedFailureConverterPath };
}

/** For backend teams: `new Client({ connection, dataConverter: clientDataConverter(process.env.PAYLOAD_ENCRYPTION_KEYS!) })`. */
export const clientDataConverter = encryptionDataConverter;
