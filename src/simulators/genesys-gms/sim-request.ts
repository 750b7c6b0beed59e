// Reading one GMS request as the strict simulator does: form-encoded fields for every operation, a
// multipart body (fields and one `file` part) for the file upload only; JSON refused (400).
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBodyBytes } from '../shared/request-body';

export interface GmsRequest {
  get(name: string): string | null;
  /** `userData[key]=value` fields. */
  userData(): Record<string, string>;
  /** The uploaded file (multipart only). */
  file?: { name: string; type: string; bytes: Buffer };
}

export type ReadRequest = { ok: true; request: GmsRequest } | { ok: false; status: number; message: string };

export async function readGmsRequest(
  req: IncomingMessage,
  options: { multipart: boolean; maxBytes: number },
): Promise<ReadRequest> {
  const type = String(req.headers['content-type'] ?? '');
  const multipart = type.startsWith('multipart/form-data');
  if (!(type.startsWith('application/x-www-form-urlencoded') || (options.multipart && multipart))) {
    return {
      ok: false,
      status: 400,
      message: options.multipart ? 'multipart bodies only' : 'form-encoded bodies only',
    };
  }
  let raw: Buffer;
  try {
    raw = await readBodyBytes(req, options.maxBytes);
  } catch (err) {
    return { ok: false, status: err instanceof BodyTooLargeError ? 413 : 400, message: String(err) };
  }
  if (!multipart) return { ok: true, request: fromFields(new URLSearchParams(raw.toString('utf8'))) };
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': type } }).formData();
  } catch {
    return { ok: false, status: 400, message: 'a malformed multipart body' };
  }
  const fields = new URLSearchParams();
  let file: GmsRequest['file'];
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.append(name, value);
    else if (name === 'file') {
      file = {
        name: value.name,
        type: value.type || 'application/octet-stream',
        bytes: Buffer.from(await value.arrayBuffer()),
      };
    }
  }
  return { ok: true, request: { ...fromFields(fields), ...(file ? { file } : {}) } };
}

function fromFields(fields: URLSearchParams): GmsRequest {
  return {
    get: (name) => fields.get(name),
    userData: () => {
      const data: Record<string, string> = {};
      for (const [name, value] of fields) {
        const key = /^userData\[(.+)\]$/.exec(name)?.[1];
        if (key !== undefined) data[key] = value;
      }
      return data;
    },
  };
}
