// The workflow bundle's entry point: every workflow type the worker registers.
export { agentPresence, chatSession } from './chat-session';
export { connectionHub } from './connection-hub';
export { chatDeliveries } from './chat-deliveries';
