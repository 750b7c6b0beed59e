// Runs floorWorkflow on a worker inside the bench process and times no-op update round trips.
// Each floor workflow is retired after a few hundred pings so no history nears the server's limits.
import { performance } from 'node:perf_hooks';
import { type Client, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { floorWorkflow, pingUpdate, stopSignal } from './floor-workflow';

const pingsPerWorkflow = 300;
const parallelWorkflows = 4;

type FloorHandle = WorkflowHandle<typeof floorWorkflow>;

interface Slot {
  ready: Promise<FloorHandle>;
  pings: number;
}

export class EngineFloor {
  private readonly slots: Slot[] = [];
  /** Every floor workflow started (retired ones idle until stop()). */
  private readonly all: FloorHandle[] = [];
  private next = 0;
  private started = 0;

  private constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly connection: NativeConnection,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
  ) {}

  static async start(address: string, client: Client, taskQueue: string): Promise<EngineFloor> {
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./floor-workflow'),
    });
    const running = worker.run();
    const floor = new EngineFloor(client, taskQueue, connection, worker, running);
    for (let i = 0; i < parallelWorkflows; i += 1) floor.slots.push({ ready: floor.startWarm(), pings: 0 });
    await Promise.all(floor.slots.map((s) => s.ready));
    return floor;
  }

  /** One no-op update round trip, in milliseconds. */
  async ping(): Promise<number> {
    const index = this.next++ % this.slots.length;
    let slot = this.slots[index]!;
    if (slot.pings >= pingsPerWorkflow) {
      slot = { ready: this.startWarm(), pings: 0 };
      this.slots[index] = slot;
    }
    slot.pings += 1;
    const n = slot.pings;
    const handle = await slot.ready;
    const t0 = performance.now();
    await handle.executeUpdate(pingUpdate, { args: [n] });
    return performance.now() - t0;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.all.map((h) => h.signal(stopSignal)));
    if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running.catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  /** A new floor workflow whose first task has run, so no sample includes a workflow start. */
  private async startWarm(): Promise<FloorHandle> {
    this.started += 1;
    const handle = await this.client.workflow.start(floorWorkflow, {
      taskQueue: this.taskQueue,
      workflowId: `${this.taskQueue}-floor-${this.started}`,
    });
    this.all.push(handle);
    await handle.executeUpdate(pingUpdate, { args: [0] });
    return handle;
  }
}
