// ApplicationFailure `type` names. Operators read these in the Web UI; workflows branch on them.
export const FailureType = {
  /**
   * The vendor's credential for this session stopped working and must be renewed (Live Agent 503 after a
   * failover, Genesys socket_closing, a rotated alias or Guid): the session runs its handover.
   */
  handoverRequired: 'VendorHandoverRequired',
  /**
   * The vendor refused the credentials a reconnect offered (GMS 8201 on a running chat: a superseded
   * alias). Retried with the session's newest credentials a few times, then the chat is taken as gone.
   */
  credentialsRefused: 'VendorCredentialsRefused',
  /** The vendor no longer knows the session (expired, ended, bad key). */
  sessionGone: 'VendorSessionGone',
  /**
   * A send met a chat the agent side has just ended (GMS `chatEnded` on a send): the item is refused as
   * "the chat has ended", and the chat's last events and its end arrive through the connection.
   */
  chatEndedAtVendor: 'VendorChatEnded',
  /** A second connection for one session reached the vendor (Live Agent 409): the vendor killed the chat. */
  connectionConflict: 'VendorConnectionConflict',
  /** The vendor's body did not match its documented shape. */
  malformedResponse: 'VendorMalformedResponse',
  /** The vendor rejected our request as invalid (400/404/405): retrying will not help. */
  requestRejected: 'VendorRequestRejected',
  /** A transient vendor or network failure (5xx, reset, timeout): retried. */
  vendorUnavailable: 'VendorUnavailable',
  /** The channel's webhook failed a delivery in a way that may pass (5xx, 408, 429, network): retried with backoff. */
  deliveryFailed: 'ChannelDeliveryFailed',
  /**
   * The channel's webhook refused a delivery for good (another 4xx, a redirect, a URL that is not http(s)):
   * not retried; the event becomes a dead letter an operator can list and redrive.
   */
  deliveryRejected: 'ChannelDeliveryRejected',
  /** Input that fails validation (update validators, client helpers, configuration). */
  invalidInput: 'InvalidInput',
  /** A clientMessageId already used for a message with different content: nothing is sent. */
  idempotencyKeyReused: 'IdempotencyKeyReused',
  /** The session has ended and accepts no more customer input. */
  sessionEnded: 'SessionEnded',
  /**
   * The session holds as much undelivered traffic as it may (its webhook keeps failing): the hub keeps the
   * batch unacknowledged at the vendor and receives it again later.
   */
  deliveryBacklogFull: 'DeliveryBacklogFull',
  /** The session's current attachment names events the record does not continue with (the session was reset). */
  outOfStepVendorEvents: 'OutOfStepVendorEvents',
  /** A hub's batch for an attachment the session has moved on from: the hub lets go without acknowledging it. */
  staleVendorEvents: 'StaleVendorEvents',
  /** A hub offered to take over a session that is not attached to the lost hub (it moved on, or is attaching). */
  adoptionRefused: 'AdoptionRefused',
  /** The agent is signed in elsewhere (Huawei 100-002): forcelogin only when the caller's policy allows it. */
  agentSignedInElsewhere: 'AgentSignedInElsewhere',
  /** The gateway no longer has the agent signed in (Huawei 100-006, or a GUID it no longer accepts). */
  agentSignedOut: 'AgentSignedOut',
  /** The agent is in a call: sign-out is refused until the call is released (Huawei 100-010). */
  agentInCall: 'AgentInCall',
  /** No provider is registered under the requested name. */
  unknownProvider: 'UnknownProvider',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];
