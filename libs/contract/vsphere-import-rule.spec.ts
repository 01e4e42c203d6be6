import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The rule in eslint.config.mjs that keeps libs/vsphere (the vCenter client) inside the collector.
// ESLint loads its flat config with a dynamic import, which Jest's module system refuses: the
// cases are linted by ESLint's API in a plain Node process.
const LINT_CASES = `
const { ESLint } = require('eslint');
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint();
Promise.all(
  cases.map(async ([filePath, code]) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }),
).then((found) => process.stdout.write(JSON.stringify(found)));
`;

function restrictedImports(cases: [filePath: string, code: string][]): string[][] {
  const output = execFileSync(process.execPath, ['-e', LINT_CASES, JSON.stringify(cases)], {
    cwd: join(__dirname, '../..'),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

describe('the libs/vsphere import rule', () => {
  it('fails on an import of libs/vsphere outside the collector, and only there', () => {
    const refused: [string, string][] = [
      ['apps/controller/ingest/example.ts', "import { DEFAULT_COUNTERS } from '@vcc/vsphere';"],
      ['apps/aggregator/example.ts', "import type { VmInventory } from '@vcc/vsphere';"],
      ['libs/database/entities/example.ts', "import { VsphereClient } from '../../vsphere';"],
      ['apps/controller/example.ts', "import { buildInventory } from '../../libs/vsphere/inventory';"],
      ['test/controller/example.e2e-spec.ts', "export { VsphereClient } from '@vcc/vsphere';"],
    ];
    const allowed: [string, string][] = [
      ['apps/collector/collection/example.ts', "import { VsphereClient } from '@vcc/vsphere';"],
      ['libs/vsphere/example.ts', "import { VsphereClient } from './vsphere-client';"],
      ['apps/controller/example.ts', "import { DEFAULT_COUNTERS } from '@vcc/contract';"],
    ];
    const found = restrictedImports([...refused, ...allowed]);
    expect(found.slice(0, refused.length)).toEqual(
      refused.map(() => [expect.stringContaining('Only the collector may use libs/vsphere')]),
    );
    expect(found.slice(refused.length)).toEqual(allowed.map(() => []));
  });
});
