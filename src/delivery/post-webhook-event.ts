// One signed POST of one session event to the channel's webhook. Shared by the hub (which delivers as
// soon as the vendor answers) and the deliver activity (which retries what the hub could not deliver),
// so both send the same body under the same idempotency key.
import type { Span } from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/common';
import { request, type Dispatcher } from 'undici';
import type { SessionEvent } from '../shared/events';
import { webhookEventOf, type WebhookBody } from '../shared/webhook-body';
import { FailureType } from '../shared/failure-types';
import { inClientSpan, traceHeaders } from '../tracing/client-span';
import { idempotencyHeader, signPayload, signatureHeader } from '../webhooks/signature';

export interface WebhookSettings {
  dispatcher: Dispatcher;
  /** HMAC secret for webhook signatures; read from the environment, never from workflow input. */
  secret: string;
  /** During a rotation: each delivery is signed with both secrets (two `v1`s). */
  nextSecret?: string;
  timeoutMs: number;
}

export type { WebhookBody };

export interface WebhookTarget {
  webhookUrl: string;
  sessionId: string;
  customerId: string;
  vendorSessionId?: string;
}

/**
 * Posts `event`. A network failure, 5xx, 408, 425 or 429 throws a retryable ChannelDeliveryFailed; any
 * other non-2xx answer (redirects are not followed) or a URL that is not http(s) throws a
 * non-retryable ChannelDeliveryRejected: the receiver will not take this event however often it is sent.
 */
export async function postWebhookEvent(
  settings: WebhookSettings,
  target: WebhookTarget,
  event: SessionEvent,
  signal: AbortSignal,
): Promise<void> {
  const body = JSON.stringify({
    sessionId: target.sessionId,
    customerId: target.customerId,
    ...(target.vendorSessionId ? { vendorSessionId: target.vendorSessionId } : {}),
    event: webhookEventOf(event),
  } satisfies WebhookBody);
  await inClientSpan(
    'POST webhook',
    {
      'http.request.method': 'POST',
      'server.address': hostOf(target.webhookUrl),
      'chat.event.id': event.id,
      'chat.event.kind': event.event.kind,
    },
    (span) => post(settings, target.webhookUrl, event, body, signal, span),
    signal,
  );
}

async function post(
  settings: WebhookSettings,
  webhookUrl: string,
  event: SessionEvent,
  body: string,
  signal: AbortSignal,
  span: Span,
): Promise<void> {
  const refusal = unusableUrl(webhookUrl);
  if (refusal) {
    throw ApplicationFailure.create({
      type: FailureType.deliveryRejected,
      message: `webhook URL refused for event ${event.id}: ${refusal}`,
      nonRetryable: true,
      details: [{ eventId: event.id }],
    });
  }
  let status: number;
  try {
    const res = await request(webhookUrl, {
      method: 'POST',
      dispatcher: settings.dispatcher,
      signal,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      headers: {
        'content-type': 'application/json',
        [idempotencyHeader]: event.id,
        [signatureHeader]: signPayload(
          settings.nextSecret ? [settings.secret, settings.nextSecret] : settings.secret,
          body,
          Math.floor(Date.now() / 1000),
        ),
        // traceparent: a traced receiver continues the session's trace.
        ...traceHeaders(),
      },
      body,
    });
    status = res.statusCode;
    await res.body.dump();
  } catch (err) {
    if (signal.aborted) throw err;
    throw ApplicationFailure.create({
      type: FailureType.deliveryFailed,
      message: `webhook unreachable for event ${event.id}: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  span.setAttribute('http.response.status_code', status);
  if (status < 200 || status >= 300) {
    const transient = isTransientStatus(status);
    throw ApplicationFailure.create({
      type: transient ? FailureType.deliveryFailed : FailureType.deliveryRejected,
      message: `webhook answered HTTP ${status} for event ${event.id}`,
      nonRetryable: !transient,
      details: [{ status, eventId: event.id }],
    });
  }
}

/** Answers worth sending again: server trouble, timeouts, rate limits ("too early" too). */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

/** Why a webhook URL can never take a delivery, or null. */
function unusableUrl(webhookUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} is not http(s)`;
  return null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'invalid-url';
  }
}
