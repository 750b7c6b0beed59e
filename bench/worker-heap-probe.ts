// Preloaded into the bridge worker child by the bench only (NODE_OPTIONS --require). On SIGWINCH
// (ignored by default, and not one of the SDK's shutdown signals, unlike SIGUSR2) it runs two full
// GCs and writes process.memoryUsage() to BENCH_HEAP_PROBE_FILE. A worker's RSS swings by tens of MB
// with V8's lazy collection, more than a few hundred idle sessions weigh; after a forced GC the live
// heap and the RSS are steady enough to divide by the session count.
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const file = process.env.BENCH_HEAP_PROBE_FILE;
if (file) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let seq = 0;
  process.on('SIGWINCH', () => {
    gc();
    gc();
    seq += 1;
    writeFileSync(file, JSON.stringify({ seq, ...process.memoryUsage() }));
  });
}
