// The memory floor, run as a child process by bench/bare-memory.ts (never on its own): a bare undici
// loop that opens N Live Agent visitor sessions and keeps one long poll open on each, with the same
// dispatcher shape as the bridge worker's vendor pool and no Temporal, validation or webhook layer.
// Its RSS after a forced GC, before and after opening N sessions (on top of a few warm-up sessions, so
// undici's lazily loaded parser and JIT code are in both readings), is what holding N long polls costs
// with nothing else in the process. Talks to the parent over the fork IPC channel:
//   child → {kind:'ready'}                       once, at start
//   parent → {kind:'open', n, url, ids}          child → {kind:'opened', ids} | {kind:'failed', error}
//   parent → {kind:'measure'}                    child → {kind:'memory', memory, errors}
//   parent → {kind:'stop'}                       the child aborts every poll and exits
import { setMaxListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent } from 'undici';
import { BareVisitor, type DeploymentIds } from './bare-visitor';

export type HolderRequest =
  { kind: 'open'; n: number; url: string; ids: DeploymentIds } | { kind: 'measure' } | { kind: 'stop' };

export interface HolderMemory {
  rss: number;
  heapUsed: number;
  external: number;
}

export type HolderReply =
  | { kind: 'ready' }
  | { kind: 'opened'; ids: string[] }
  | { kind: 'failed'; error: string }
  | { kind: 'memory'; memory: HolderMemory; errors: number };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// The bridge worker's vendor dispatcher (src/create-worker.ts): keep-alive, no pool limit, no
// timeouts but the poll's own.
const dispatcher = new Agent({
  keepAliveTimeout: 60_000,
  headersTimeout: 0,
  bodyTimeout: 0,
  connections: null,
});
const stopper = new AbortController();
setMaxListeners(0, stopper.signal);
const loops: Array<Promise<void>> = [];
let errors = 0;
let opened = 0;

function send(reply: HolderReply): void {
  process.send?.(reply);
}

async function memoryAfterGc(): Promise<HolderMemory> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function pollLoop(visitor: BareVisitor): Promise<void> {
  let ack = -1;
  while (!stopper.signal.aborted) {
    try {
      const batch = await visitor.poll(ack, stopper.signal);
      if (batch) ack = batch.sequence;
    } catch {
      if (stopper.signal.aborted) return;
      errors += 1;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function open(request: Extract<HolderRequest, { kind: 'open' }>): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  // A few sessions at a time, as the bench's fleet is started.
  const lane = async () => {
    while (next < request.n) {
      next += 1;
      const visitor = await BareVisitor.open(request.url, dispatcher, request.ids, `bare-holder-${opened++}`);
      ids.push(visitor.id);
      loops.push(pollLoop(visitor));
    }
  };
  await Promise.all(Array.from({ length: Math.min(25, request.n) }, lane));
  return ids;
}

process.on('message', (request: HolderRequest) => {
  if (request.kind === 'open') {
    open(request).then(
      (ids) => send({ kind: 'opened', ids }),
      (err: unknown) => send({ kind: 'failed', error: String(err) }),
    );
  } else if (request.kind === 'measure') {
    void memoryAfterGc().then((memory) => send({ kind: 'memory', memory, errors }));
  } else {
    stopper.abort();
    void Promise.allSettled(loops)
      .then(() => dispatcher.destroy())
      .finally(() => process.exit(0));
  }
});
// The parent going away ends the child too.
process.on('disconnect', () => process.exit(0));

send({ kind: 'ready' });
