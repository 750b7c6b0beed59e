// CC-Gateway deployment settings (docs/protocols/huawei-cc-gateway.md §2, §5, §6). Worker configuration,
// not session input: what one agent asks for (skills, mode, policies) is in presence-options.ts.
import type { GatewayHttpConfig } from './http-client';

export interface HuaweiConfig extends GatewayHttpConfig {
  /** Push mode's handshake cadence: the gateway signs an agent out after `signOutAfterMs` without one. */
  handshakeIntervalMs: number;
  /** The gateway's silence limit (EVENT_PUSH_HANDSHAKE_MAXTIME, 2 minutes by default). */
  signOutAfterMs: number;
  /** Poll mode's pause between an answered event poll and the next (the guide recommends 200 ms). */
  pollIntervalMs: number;
  /** Where this worker serves the push callback (0: any free port). */
  pushPort: number;
  pushHost: string;
  /**
   * The `callBackUri` agents sign in with. Every worker must be reachable under it (a load balancer or a
   * stable host and port): the gateway keeps pushing there after a worker dies. Default: this worker's own.
   */
  pushCallbackUrl: string | undefined;
  /** The sign-in password when a session's options carry none [G: per-agent passwords are the norm]. */
  agentPassword: string | undefined;
}
