// The test scripts select what they name: mocha merges a `spec` in .mocharc with the files given on
// the command line, so a `spec` there would make `npm run test:unit` run every e2e suite as well.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

describe('test scripts', () => {
  it('.mocharc names no spec, so each script runs only the files it names', () => {
    assert.equal(read('.mocharc.json').spec, undefined);
    const scripts = read('package.json').scripts as Record<string, string>;
    assert.match(scripts['test:unit']!, /mocha 'test\/unit\/\*\*\/\*\.test\.ts'/);
    assert.match(scripts.test!, /mocha 'test\/\*\*\/\*\.test\.ts'/);
  });
});
