// Hand-written validators for update and signal inputs. They run inside the workflow sandbox
// (zod would bloat every cached workflow, sdk-typescript #2227), so they stay small and explicit.
// Each returns a readable reason, or null when the input is valid.
import { limits } from '../shared/input-limits';
import type { OutboundCommand } from '../shared/session-types';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateSendMessage(input: unknown): string | null {
  if (!isObject(input)) return 'sendMessage expects an object { clientMessageId, text }';
  const { clientMessageId, text } = input;
  // Compared exactly as given (never trimmed): ids that differ by a space are different messages.
  if (typeof clientMessageId !== 'string' || clientMessageId.trim() === '') {
    return 'clientMessageId must be a non-empty string';
  }
  if (clientMessageId.length > limits.clientMessageIdMax) {
    return `clientMessageId is longer than ${limits.clientMessageIdMax} characters`;
  }
  // Sent as written: whitespace-only text is refused, but nothing is trimmed.
  if (typeof text !== 'string' || text.trim() === '') return 'text must be a non-empty string';
  if (text.length > limits.textMax) return `text is longer than ${limits.textMax} characters`;
  return null;
}

export function validateCustomerActivity(input: unknown): string | null {
  if (!isObject(input)) return 'customerActivity expects an object { kind, ... }';
  const kind = input.kind as OutboundCommand['kind'];
  if (kind === 'typing' || kind === 'notTyping') return null;
  if (kind === 'customEvent') {
    if (
      typeof input.type !== 'string' ||
      input.type === '' ||
      input.type.length > limits.customEventTypeMax
    ) {
      return `customEvent.type must be a non-empty string of at most ${limits.customEventTypeMax} characters`;
    }
    if (typeof input.data !== 'string' || input.data.length > limits.customEventDataMax) {
      return `customEvent.data must be a string of at most ${limits.customEventDataMax} characters`;
    }
    return null;
  }
  return `customerActivity.kind must be 'typing', 'notTyping' or 'customEvent'`;
}

export function validateWaitForEvents(input: unknown): string | null {
  if (!isObject(input)) return 'waitForEvents expects an object { afterIndex, timeoutMs? }';
  if (typeof input.afterIndex !== 'number' || !Number.isInteger(input.afterIndex) || input.afterIndex < -1) {
    return 'afterIndex must be an integer >= -1';
  }
  if (input.timeoutMs !== undefined && (typeof input.timeoutMs !== 'number' || input.timeoutMs <= 0)) {
    return 'timeoutMs must be a positive number of milliseconds';
  }
  return null;
}

export function validateHandover(input: unknown): string | null {
  if (!isObject(input)) return 'handover expects an object { generation, reason }';
  if (typeof input.generation !== 'number' || !Number.isInteger(input.generation) || input.generation < 0) {
    return 'generation must be an integer >= 0';
  }
  if (input.reason !== undefined && typeof input.reason !== 'string') return 'reason must be a string';
  if (input.credentials !== undefined) {
    if (!isObject(input.credentials)) return 'credentials must be an object';
    if (JSON.stringify(input.credentials).length > 8_192) return 'credentials are larger than 8 KB';
  }
  return chatUidProblem(input);
}

function chatUidProblem(input: Record<string, unknown>): string | null {
  return input.chatUid === undefined || typeof input.chatUid === 'string' ? null : 'chatUid must be a string';
}

/** Hub → session signals are internal, but a malformed one (a bad deploy, a hand-sent signal) must change nothing. */
export function validateVendorEvents(input: unknown): string | null {
  if (!isObject(input)) return 'vendorEvents expects an object';
  const { hubId, epoch, generation, firstIndex, events, cursor, deliveredThrough } = input;
  if (typeof hubId !== 'string') return 'hubId must be a string';
  for (const [name, value] of Object.entries({ epoch, generation, firstIndex, deliveredThrough })) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `${name} must be an integer`;
  }
  if (!isObject(cursor)) return 'cursor must be an object';
  if (input.hubDelivers !== undefined && typeof input.hubDelivers !== 'boolean') {
    return 'hubDelivers must be a boolean';
  }
  const uidProblem = chatUidProblem(input);
  if (uidProblem) return uidProblem;
  if (!Array.isArray(events) || events.length === 0) return 'events must be a non-empty array';
  for (const [i, e] of events.entries()) {
    if (
      !isObject(e) ||
      typeof e.id !== 'string' ||
      e.index !== (firstIndex as number) + i ||
      typeof e.at !== 'string' ||
      !isObject(e.event) ||
      typeof e.event.kind !== 'string'
    ) {
      return `events[${i}] must be { id, index: firstIndex + ${i}, at, event: { kind, … } }`;
    }
  }
  return null;
}

export function validateAdoptConnection(input: unknown): string | null {
  if (!isObject(input)) return 'adoptConnection expects an object { fromHubId, hubId, hubTaskQueue }';
  for (const name of ['fromHubId', 'hubId', 'hubTaskQueue'] as const) {
    if (typeof input[name] !== 'string' || input[name] === '') return `${name} must be a non-empty string`;
  }
  return null;
}

const lostReasons = ['hubLost', 'draining', 'sessionGone', 'conflict', 'failed'];

export function validateConnectionLost(input: unknown): string | null {
  if (!isObject(input)) return 'connectionLost expects an object { hubId, reason, message }';
  if (typeof input.hubId !== 'string') return 'hubId must be a string';
  if (input.epoch !== undefined && (typeof input.epoch !== 'number' || !Number.isInteger(input.epoch))) {
    return 'epoch must be an integer';
  }
  if (typeof input.reason !== 'string' || !lostReasons.includes(input.reason)) {
    return `reason must be one of ${lostReasons.join(', ')}`;
  }
  // The message becomes the chatEnded detail (or the failure's message); failureType the failure's type.
  if (typeof input.message !== 'string') return 'message must be a string';
  if (input.failureType !== undefined && typeof input.failureType !== 'string') {
    return 'failureType must be a string';
  }
  if (input.deliveredThrough !== undefined && !isIndexOrNone(input.deliveredThrough)) {
    return 'deliveredThrough must be an integer >= -1';
  }
  return chatUidProblem(input);
}

export function validateEventsDelivered(input: unknown): string | null {
  if (!isObject(input))
    return 'eventsDelivered expects an object { hubId, epoch, deliveredThrough, handBack }';
  if (typeof input.hubId !== 'string') return 'hubId must be a string';
  if (typeof input.epoch !== 'number' || !Number.isInteger(input.epoch)) return 'epoch must be an integer';
  if (!isIndexOrNone(input.deliveredThrough)) return 'deliveredThrough must be an integer >= -1';
  if (typeof input.handBack !== 'boolean') return 'handBack must be a boolean';
  return chatUidProblem(input);
}

function isIndexOrNone(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= -1;
}

const httpUrl = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

function clientMessageIdProblem(id: unknown): string | null {
  if (typeof id !== 'string' || id.trim() === '') return 'clientMessageId must be a non-empty string';
  if (id.length > limits.clientMessageIdMax) {
    return `clientMessageId is longer than ${limits.clientMessageIdMax} characters`;
  }
  return null;
}

function urlProblem(name: string, url: unknown): string | null {
  if (typeof url !== 'string' || !httpUrl.test(url) || url.length > limits.fileUrlMax) {
    return `${name} must be an http(s) URL of at most ${limits.fileUrlMax} characters`;
  }
  return null;
}

export function validateSendFile(input: unknown): string | null {
  if (!isObject(input)) return 'sendFile expects an object { clientMessageId, url, fileName, contentType? }';
  const idProblem = clientMessageIdProblem(input.clientMessageId);
  if (idProblem) return idProblem;
  const bad = urlProblem('url', input.url);
  if (bad) return bad;
  const { fileName, contentType } = input;
  if (
    typeof fileName !== 'string' ||
    fileName.trim() === '' ||
    fileName.length > limits.fileNameMax ||
    /[\\/]/.test(fileName) ||
    fileName.includes(String.fromCharCode(0))
  ) {
    return `fileName must be a plain file name of at most ${limits.fileNameMax} characters`;
  }
  if (
    contentType !== undefined &&
    (typeof contentType !== 'string' || contentType === '' || contentType.length > limits.contentTypeMax)
  ) {
    return `contentType must be a non-empty string of at most ${limits.contentTypeMax} characters`;
  }
  return null;
}

export function validateSetAgentState(input: unknown): string | null {
  if (!isObject(input) || !['ready', 'notReady', 'rest'].includes(input.state as string)) {
    return "setAgentState expects { state: 'ready' | 'notReady' | 'rest' }";
  }
  if (Object.keys(input).length !== 1) return 'setAgentState takes only { state }';
  return null;
}

export function validateUpdateUserData(input: unknown): string | null {
  if (!isObject(input) || !isObject(input.userData))
    return 'updateUserData expects an object { userData: { … } }';
  const entries = Object.entries(input.userData);
  if (entries.length === 0 || entries.length > limits.userDataKeys) {
    return `userData must hold 1 to ${limits.userDataKeys} keys`;
  }
  for (const [key, value] of entries) {
    if (!/^[A-Za-z0-9_.-]+$/.test(key) || key.length > limits.userDataKeyMax) {
      return `userData key ${JSON.stringify(key.slice(0, 50))} must be letters, digits, _ . - (at most ${limits.userDataKeyMax})`;
    }
    const flat =
      (typeof value === 'string' && value.length <= limits.userDataValueMax) ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean';
    if (!flat)
      return `userData.${key} must be a string (at most ${limits.userDataValueMax}), a number or a boolean`;
  }
  return null;
}

export function validateFileRequest(input: unknown): string | null {
  if (!isObject(input)) return "fileRequest expects an object { op: 'limits' | 'download' | 'delete', … }";
  const { op, fileId } = input;
  if (op === 'limits') return null;
  if (op !== 'download' && op !== 'delete') return "op must be 'limits', 'download' or 'delete'";
  if (typeof fileId !== 'string' || fileId === '' || fileId.length > limits.fileIdMax) {
    return `fileId must be a non-empty string of at most ${limits.fileIdMax} characters`;
  }
  return op === 'download' ? urlProblem('putUrl', input.putUrl) : null;
}
