// Reading a request body with a size cap; bodies on this API are small JSON documents.
import type { IncomingMessage } from 'node:http';
import { readBody as readCappedBody } from '../shared/request-body';

export { BodyTooLargeError } from '../shared/request-body';

export const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return readCappedBody(req, MAX_BODY_BYTES);
}
