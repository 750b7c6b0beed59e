// One code version per run. The bench and the chaos soak start worker processes minutes apart (a
// second worker for the takeover, replacements after every SIGKILL), and this working tree is shared
// with people editing src/ while a run goes on: a worker started later would bundle different workflow
// code than the one whose histories it replays, and fail with a nondeterminism error that says nothing
// about the bridge. So the run copies src/ once at its start and every worker runs that copy (its
// node_modules is a link to this checkout's). The copy is removed when the run ends.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SourceSnapshot {
  dir: string;
  /** The worker entry inside the copy (for WorkerProcess's `entry`). */
  workerEntry: string;
  /** `git describe`-like: the commit, `+dirty` when src/ had uncommitted changes. */
  version: string;
  remove(): void;
}

const root = path.resolve(__dirname, '..');

export function snapshotSources(label: string): SourceSnapshot {
  const dir = mkdtempSync(path.join(tmpdir(), `chat-bridge-${label}-src-`));
  cpSync(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json'])
    copyFileSync(path.join(root, file), path.join(dir, file));
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return {
    dir,
    workerEntry: path.join(dir, 'src', 'worker.ts'),
    version: sourceVersion(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function sourceVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}
