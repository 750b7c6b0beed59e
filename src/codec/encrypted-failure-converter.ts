// Loaded by path (DataConverter.failureConverterPath) in the worker, in the workflow sandbox and in
// clients: failure messages and stack traces move into an encoded payload, so the payload codec
// encrypts them too. They can quote vendor answers; only the failure type stays readable.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
