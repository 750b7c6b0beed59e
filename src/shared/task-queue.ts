/** The task queue chat-session workflows and their activities run on, unless configured otherwise. */
export const defaultTaskQueue = 'chat-bridge';
