// Files pass by reference (docs/protocols/genesys-gms.md §6): an upload's bytes are fetched from the
// caller's URL and sent on to GMS, a download's are PUT to the caller's URL, all inside one activity;
// only sizes and types reach workflow history.
import { request, type Dispatcher } from 'undici';
import { FailureType } from '../../shared/failure-types';
import { BodyLimitError, describeNetworkError, readCappedBytes } from '../http/vendor-http';
import { vendorFailure } from '../vendor-failure';
import { providerName } from './reply-failures';

/**
 * Link-local addresses (169.254.0.0/16, fe80::/10) hold cloud metadata services: a caller's URL never
 * sends the worker there. (A name that resolves there is not caught: keep the worker's egress narrow.)
 */
export function refusedFileHost(url: string): string | null {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (/^169\.254\./.test(host) || /^fe[89ab][0-9a-f]:/.test(host) || host === 'metadata.google.internal') {
    return `FileFetchFailed: ${host} is a link-local address`;
  }
  return null;
}

function refuseHost(url: string, operation: string): void {
  const refused = refusedFileHost(url);
  if (refused)
    throw vendorFailure(FailureType.requestRejected, refused, { provider: providerName, operation });
}

export interface FileTransferSettings {
  timeoutMs: number;
  maxBytes: number;
}

/**
 * GETs the file to upload. Whatever goes wrong at the caller's URL refuses the upload for good
 * (FileFetchFailed): retried, a dead link would hold every later message behind it; the caller sends the
 * file again with a working link.
 */
export async function fetchFromUrl(
  url: string,
  settings: FileTransferSettings,
  dispatcher: Dispatcher,
  signal: AbortSignal,
): Promise<{ bytes: Buffer; contentType: string | null }> {
  const call = { provider: providerName, operation: 'fetchFile' };
  refuseHost(url, 'fetchFile');
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher,
      signal,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw vendorFailure(
        FailureType.requestRejected,
        `FileFetchFailed: the file URL answered HTTP ${res.statusCode}`,
        {
          ...call,
          status: res.statusCode,
        },
      );
    }
    const type = res.headers['content-type'];
    const bytes = await readCappedBytes(res.body, {
      maxBytes: settings.maxBytes,
      deadlineMs: settings.timeoutMs,
    });
    return { bytes, contentType: typeof type === 'string' ? type : null };
  } catch (err) {
    if (signal.aborted || (err as { type?: string }).type !== undefined) throw err;
    if (err instanceof BodyLimitError && err.limit === 'size') {
      throw vendorFailure(
        FailureType.requestRejected,
        `FileTooLarge: more than ${settings.maxBytes} bytes`,
        call,
      );
    }
    throw vendorFailure(FailureType.requestRejected, `FileFetchFailed: ${describeNetworkError(err)}`, call);
  }
}

/** PUTs a downloaded file to the caller's URL. */
export async function putToUrl(
  url: string,
  file: { bytes: Buffer; contentType: string | null },
  settings: FileTransferSettings,
  dispatcher: Dispatcher,
  signal: AbortSignal,
): Promise<void> {
  const call = { provider: providerName, operation: 'putFile' };
  refuseHost(url, 'putFile');
  let status: number;
  try {
    const res = await request(url, {
      method: 'PUT',
      dispatcher,
      signal,
      body: file.bytes,
      headers: { 'content-type': file.contentType ?? 'application/octet-stream' },
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    });
    status = res.statusCode;
    await res.body.dump();
  } catch (err) {
    if (signal.aborted) throw err;
    throw vendorFailure(
      FailureType.vendorUnavailable,
      `putting the file failed: ${describeNetworkError(err)}`,
      call,
    );
  }
  if (status < 200 || status >= 300) {
    const type =
      status >= 500 || status === 429 ? FailureType.vendorUnavailable : FailureType.requestRejected;
    throw vendorFailure(type, `the put URL answered HTTP ${status}`, { ...call, status });
  }
}
