// Limits on what a caller may send, shared by the client's schemas and the workflow's validators so the
// two never disagree.
export const limits = {
  clientMessageIdMax: 128,
  textMax: 10_000,
  customEventTypeMax: 256,
  customEventDataMax: 10_000,
  /** A file is passed by reference: the URL the bridge fetches it from (or puts a download to). */
  fileUrlMax: 2_048,
  fileNameMax: 255,
  contentTypeMax: 255,
  fileIdMax: 256,
  userDataKeys: 100,
  userDataKeyMax: 100,
  userDataValueMax: 4_096,
} as const;
