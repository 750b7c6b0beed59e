// The DataConverter that turns payload encryption on. Workers and every Client that starts, signals,
// updates or queries sessions must use the same keys, or they cannot read each other's payloads.
import type { DataConverter } from '@temporalio/common';
import type { CodecKey } from './codec-keys';
import { EncryptionCodec } from './encryption-codec';

/** `keys`: parsed keys or the PAYLOAD_ENCRYPTION_KEYS string (`id:base64,…`, newest last). */
export function encryptionDataConverter(keys: readonly CodecKey[] | string): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/** For backend teams: `new Client({ connection, dataConverter: clientDataConverter(process.env.PAYLOAD_ENCRYPTION_KEYS!) })`. */
export const clientDataConverter = encryptionDataConverter;
