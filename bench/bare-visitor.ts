// A bare Live Agent visitor on undici, with no Temporal and no validation layer: the floor that the
// bridge's vendor calls are compared against. SessionId, ChasitorInit (sequence 1), then Messages long
// polls and sequenced Chasitor POSTs, with the headers the simulator checks.
import { request, type Dispatcher } from 'undici';

export interface DeploymentIds {
  organizationId: string;
  deploymentId: string;
  buttonId: string;
}

export interface MessagesBatch {
  messages: Array<{ type: string; message: Record<string, unknown> }>;
  sequence: number;
  offset: number;
}

const apiVersion = '52';

export class BareVisitor {
  private nextSequence = 1;

  private constructor(
    private readonly baseUrl: string,
    private readonly dispatcher: Dispatcher,
    readonly id: string,
    private readonly key: string,
    private readonly affinity: string,
    readonly clientPollTimeoutSec: number,
  ) {}

  static async open(
    baseUrl: string,
    dispatcher: Dispatcher,
    ids: DeploymentIds,
    visitorName: string,
  ): Promise<BareVisitor> {
    const res = await request(new URL('System/SessionId', baseUrl), {
      dispatcher,
      headers: { 'X-LIVEAGENT-API-VERSION': apiVersion, 'X-LIVEAGENT-AFFINITY': 'null' },
    });
    const session = (await expectOk(res, 'SessionId').json()) as {
      id: string;
      key: string;
      affinityToken: string;
      clientPollTimeout: number;
    };
    const visitor = new BareVisitor(
      baseUrl,
      dispatcher,
      session.id,
      session.key,
      session.affinityToken,
      session.clientPollTimeout,
    );
    await visitor.post('ChasitorInit', {
      ...ids,
      sessionId: session.id,
      userAgent: 'bench-bare-visitor',
      language: 'en-US',
      screenResolution: '1x1',
      visitorName,
      prechatDetails: [],
      prechatEntities: [],
      receiveQueueUpdates: true,
      isPost: true,
    });
    return visitor;
  }

  /** One long poll; null on 204. */
  async poll(ack: number, signal: AbortSignal): Promise<MessagesBatch | null> {
    const res = await request(new URL(`System/Messages?ack=${ack}`, this.baseUrl), {
      dispatcher: this.dispatcher,
      headers: this.headers(),
      signal,
      headersTimeout: this.clientPollTimeoutSec * 1000,
      bodyTimeout: this.clientPollTimeoutSec * 1000,
    });
    if (res.statusCode === 204) {
      await res.body.dump();
      return null;
    }
    return (await expectOk(res, 'Messages').json()) as MessagesBatch;
  }

  /** A sequenced Chasitor POST; callers must not overlap two on one visitor. */
  async post(noun: string, body: unknown): Promise<void> {
    const sequence = this.nextSequence++;
    const res = await request(new URL(`Chasitor/${noun}`, this.baseUrl), {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: {
        ...this.headers(),
        'X-LIVEAGENT-SEQUENCE': String(sequence),
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    await expectOk(res, noun).dump();
  }

  private headers(): Record<string, string> {
    return {
      'X-LIVEAGENT-API-VERSION': apiVersion,
      'X-LIVEAGENT-AFFINITY': this.affinity,
      'X-LIVEAGENT-SESSION-KEY': this.key,
    };
  }
}

function expectOk(res: Dispatcher.ResponseData, what: string): Dispatcher.ResponseData['body'] {
  if (res.statusCode >= 300) {
    res.body.dump().catch(() => undefined);
    throw new Error(`bare visitor: ${what} answered HTTP ${res.statusCode}`);
  }
  return res.body;
}
