// Limits on what a caller may send, shared by the client's schemas and the workflow's validators so the
// two never disagree.
export const limits = {
  clientMessageIdMax: 128,
  textMax: 10_000,
  customEventTypeMax: 256,
  customEventDataMax: 10_000,
} as const;
