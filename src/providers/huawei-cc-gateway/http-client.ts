// The CC-Gateway agent calls: JSON over HTTPS under `{baseUrl}/agentgateway/resource`, the `Guid` header
// on every call after sign-in, `Set-GUID` read from every answer (docs/protocols/huawei-cc-gateway.md
// §1–§2). Knows HTTP, not Temporal: returns the parsed answer and the GUID it named, or throws typed
// vendor failures. Failure messages name the status and the body's size and digest, never its text.
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
import { guidOf } from './guid';
import { providerName } from './retcodes';
import { gatewayReplySchema, type GatewayReply } from './wire-schemas';

export interface GatewayHttpConfig {
  /** Up to the port, e.g. `https://cc-gateway.example.com:8043`. */
  baseUrl: string;
  requestTimeoutMs: number;
  maxBodyBytes: number;
}

export interface GatewayCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under `/agentgateway/resource`, e.g. `/onlineagent/291/handshake`. */
  path: string;
  /** The path with its ids as placeholders, for spans. */
  template: string;
  operation: string;
  body?: unknown;
  guid?: string;
  serviceToken?: string;
  /** Longer than the request timeout for the event poll, which the gateway holds about 10 s. */
  timeoutMs?: number;
}

export interface GatewayAnswer {
  reply: GatewayReply;
  /** The GUID a `Set-GUID` header named (sign-in; poll and heartbeat under AUTHMODE 2), or null. */
  setGuid: string | null;
}

export class GatewayHttpClient {
  constructor(
    private readonly config: GatewayHttpConfig,
    private readonly dispatcher: Dispatcher,
  ) {}

  async call(call: GatewayCall, signal: AbortSignal): Promise<GatewayAnswer> {
    const url = new URL(`${this.config.baseUrl.replace(/\/$/, '')}/agentgateway/resource${call.path}`);
    const details = { provider: providerName, operation: call.operation };
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
    if (call.guid) headers.guid = call.guid;
    if (call.serviceToken) headers.service_token = call.serviceToken;
    const timeoutMs = call.timeoutMs ?? this.config.requestTimeoutMs;
    return inClientSpan(
      `${call.method} ${call.template}`,
      clientSpanAttributes(call.method, url, call.template, providerName),
      async () => {
        let status: number;
        let text: string;
        let setGuid: string | null;
        try {
          const res = await request(url, {
            method: call.method,
            headers,
            ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
            dispatcher: this.dispatcher,
            signal,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          });
          status = res.statusCode;
          setGuid = guidOf(res.headers['set-guid']);
          text = await readCappedText(res.body, {
            maxBytes: this.config.maxBodyBytes,
            deadlineMs: timeoutMs,
          });
        } catch (err) {
          throw networkFailure(err, signal, details);
        }
        // The gateway answers its own errors with 200 and a retcode; another status comes from in
        // front of it (a load balancer, an outage).
        if (status !== 200) {
          const type = isTransientVendorStatus(status)
            ? FailureType.vendorUnavailable
            : FailureType.requestRejected;
          throw vendorFailure(type, `HTTP ${status} (${describeErrorBody(text)})`, { ...details, status });
        }
        return { reply: parseVendorJson(gatewayReplySchema, text, details), setGuid };
      },
      signal,
    );
  }
}
