// The GMS chat v2 calls: POSTs under `{serviceUrl}` (form-encoded; multipart for a file upload), each
// answered with the JSON envelope, or with the file's bytes for a download (docs/protocols/genesys-gms.md
// §1–§3, §6). Knows HTTP, not Temporal: returns parsed replies or throws typed vendor failures; what a
// reply means is reply-failures.ts's business. Failure messages name the status and the body's size and
// digest, never its text: they reach history unencrypted.
import { request, type Dispatcher, type FormData } from 'undici';
import { FailureType } from '../../shared/failure-types';
import { inClientSpan } from '../../tracing/client-span';
import {
  clientSpanAttributes,
  describeErrorBody,
  isTransientVendorStatus,
  networkFailure,
  parseVendorJson,
  readCappedBytes,
} from '../http/vendor-http';
import { isFailureType, vendorFailure } from '../vendor-failure';
import { providerName } from './reply-failures';
import { gmsReplySchema, type GmsReply } from './wire-schemas';

export interface GmsHttpConfig {
  /** Up to the service, e.g. `https://gms.example.com/genesys/2/chat/customer-support`. */
  serviceUrl: string;
  requestTimeoutMs: number;
  /** The largest envelope read. */
  maxBodyBytes: number;
  /** The largest file downloaded (GMS `upload-max-file-size` is 10 MiB in the documented sample). */
  maxFileBytes?: number;
  /** Apigee-style `apikey` header, when the GMS sits behind one. */
  apiKey?: string;
}

/** A download's answer: the file, or the envelope GMS sends instead when it refuses. */
export type GmsDownload =
  { kind: 'file'; bytes: Buffer; contentType: string | null } | { kind: 'reply'; reply: GmsReply };

export class GmsHttpClient {
  constructor(
    private readonly config: GmsHttpConfig,
    private readonly dispatcher: Dispatcher,
  ) {}

  /**
   * POSTs `body` to `{serviceUrl}{suffix}` (suffix `''` for request-chat, `/{chatId}/refresh`, …) and
   * returns the envelope. `template` names the call in spans without the chat id.
   */
  async call(
    operation: string,
    suffix: string,
    template: string,
    body: string | FormData,
    signal: AbortSignal,
  ): Promise<GmsReply> {
    const answer = await this.post(operation, suffix, template, body, signal, this.config.maxBodyBytes);
    return parseVendorJson(gmsReplySchema, answer.bytes.toString('utf8'), {
      provider: providerName,
      operation,
    });
  }

  /** A file download: the bytes (up to `maxFileBytes`), or the envelope of a refusal. */
  async download(suffix: string, template: string, body: string, signal: AbortSignal): Promise<GmsDownload> {
    const limit = this.config.maxFileBytes ?? 10 * 1024 * 1024;
    let answer;
    try {
      answer = await this.post('downloadFile', suffix, template, body, signal, limit);
    } catch (err) {
      // Larger than the bridge takes: the same every time, and each try would use up a download attempt.
      if (isFailureType(err, FailureType.malformedResponse) && /larger than/.test(err.message)) {
        throw vendorFailure(FailureType.requestRejected, `FileTooLarge: more than ${limit} bytes`, {
          provider: providerName,
          operation: 'downloadFile',
        });
      }
      throw err;
    }
    if (answer.contentType?.startsWith('application/json')) {
      const reply = parseVendorJson(gmsReplySchema, answer.bytes.toString('utf8'), {
        provider: providerName,
        operation: 'downloadFile',
      });
      return { kind: 'reply', reply };
    }
    return { kind: 'file', bytes: answer.bytes, contentType: answer.contentType };
  }

  private async post(
    operation: string,
    suffix: string,
    template: string,
    body: string | FormData,
    signal: AbortSignal,
    maxBytes: number,
  ): Promise<{ bytes: Buffer; contentType: string | null }> {
    const url = new URL(`${this.config.serviceUrl.replace(/\/$/, '')}${suffix}`);
    const call = { provider: providerName, operation };
    const headers: Record<string, string> = {};
    // A FormData body sets its own multipart content type, boundary included.
    if (typeof body === 'string') headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.config.apiKey) headers.apikey = this.config.apiKey;
    return inClientSpan(
      `POST ${template}`,
      clientSpanAttributes('POST', url, template, providerName),
      async () => {
        let status: number;
        let bytes: Buffer;
        let contentType: string | null;
        try {
          const res = await request(url, {
            method: 'POST',
            headers,
            body,
            dispatcher: this.dispatcher,
            signal,
            headersTimeout: this.config.requestTimeoutMs,
            bodyTimeout: this.config.requestTimeoutMs,
          });
          status = res.statusCode;
          const type = res.headers['content-type'];
          contentType = typeof type === 'string' ? type : null;
          bytes = await readCappedBytes(res.body, { maxBytes, deadlineMs: this.config.requestTimeoutMs });
        } catch (err) {
          throw networkFailure(err, signal, call);
        }
        // v2 answers its own errors with 200 and statusCode 1/2; another status comes from in front of it
        // (a proxy, a gateway refusing the apikey, an outage).
        if (status !== 200) {
          const type = isTransientVendorStatus(status)
            ? FailureType.vendorUnavailable
            : FailureType.requestRejected;
          const described = describeErrorBody(bytes.toString('utf8'));
          throw vendorFailure(type, `HTTP ${status} (${described})`, { ...call, status });
        }
        return { bytes, contentType };
      },
      signal,
    );
  }
}
