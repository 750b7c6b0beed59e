// The workflow bundle's entry point: every workflow type the worker registers.
export { chatSession } from './chat-session';
export { connectionHub } from './connection-hub';
export { chatDeliveries } from './chat-deliveries';
