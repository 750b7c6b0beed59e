// The README's backend example is an excerpt of a program the package test type-checks and runs
// (test/fixtures/package-app/app.ts): every line of it must be there, in the same order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('the README example', () => {
  it('is line for line an excerpt of test/fixtures/package-app/app.ts', () => {
    const readme = read('README.md');
    const marker = readme.indexOf('<!-- An excerpt of test/fixtures/package-app/app.ts');
    assert.ok(marker >= 0, 'the README marks its example');
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker))?.[1] ?? '';
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    assert.ok(lines.length > 20);
    const program = read('test/fixtures/package-app/app.ts').split('\n');
    let at = 0;
    for (const line of lines) {
      const found = program.indexOf(line, at);
      assert.ok(found >= 0, `not in app.ts (in order): ${line}`);
      at = found + 1;
    }
  });
});
