// The GMS chat v2 calls: form-encoded POSTs under `{baseUrl}/{serviceName}`, each answered with the JSON
// envelope (docs/protocols/genesys-gms.md §1–§3). Knows HTTP, not Temporal: returns parsed replies or
// throws typed vendor failures; what a reply means is reply-failures.ts's business. Failure messages
// name the status and the body's size and digest, never its text: they reach history unencrypted.
import { request, type Dispatcher } from 'undici';
import { FailureType } from '../../shared/failure-types';
import { inClientSpan } from '../../tracing/client-span';
import {
  clientSpanAttributes,
  describeErrorBody,
  isTransientVendorStatus,
  networkFailure,
  parseVendorJson,
  readCappedText,
} from '../http/vendor-http';
import { vendorFailure } from '../vendor-failure';
import { providerName } from './reply-failures';
import { gmsReplySchema, type GmsReply } from './wire-schemas';

export interface GmsHttpConfig {
  /** Up to the service, e.g. `https://gms.example.com/genesys/2/chat/customer-support`. */
  serviceUrl: string;
  requestTimeoutMs: number;
  maxBodyBytes: number;
  /** Apigee-style `apikey` header, when the GMS sits behind one. */
  apiKey?: string;
}

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
    body: string,
    signal: AbortSignal,
  ): Promise<GmsReply> {
    const url = new URL(`${this.config.serviceUrl.replace(/\/$/, '')}${suffix}`);
    const call = { provider: providerName, operation };
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.config.apiKey) headers.apikey = this.config.apiKey;
    return inClientSpan(
      `POST ${template}`,
      clientSpanAttributes('POST', url, template, providerName),
      async () => {
        let status: number;
        let text: string;
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
          text = await readCappedText(res.body, {
            maxBytes: this.config.maxBodyBytes,
            deadlineMs: this.config.requestTimeoutMs,
          });
        } catch (err) {
          throw networkFailure(err, signal, call);
        }
        // v2 answers its own errors with 200 and statusCode 1/2; another status comes from in front of it
        // (a proxy, a gateway refusing the apikey, an outage).
        if (status !== 200) {
          const type = isTransientVendorStatus(status)
            ? FailureType.vendorUnavailable
            : FailureType.requestRejected;
          throw vendorFailure(type, `HTTP ${status} (${describeErrorBody(text)})`, { ...call, status });
        }
        return parseVendorJson(gmsReplySchema, text, call);
      },
      signal,
    );
  }
}
