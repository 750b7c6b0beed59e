// `npm run contract`: rewrites docs/contract.json from src/contract (test/unit/contract.test.ts fails
// until it is current).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildContract } from '../src/contract/contract';

const file = path.resolve(__dirname, '../docs/contract.json');
writeFileSync(file, `${JSON.stringify(buildContract(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
