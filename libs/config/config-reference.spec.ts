import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { APP_CONFIGS, syncReadme } from './config-reference';
import { loadConfig } from './config-loader';

const ROOT = resolve(__dirname, '../..');

describe('documentation of the configuration', () => {
  it('README.md carries the reference generated from the schemas (run npm run docs:config)', () => {
    expect(syncReadme(join(ROOT, 'README.md'), false)).toBe(true);
  });

  it.each(readdirSync(join(ROOT, 'config')).filter((f) => f.endsWith('.example.yaml')))(
    'config/%s is valid for its app',
    (file) => {
      const app = file.replace('.example.yaml', '');
      // Example secrets point at files that exist only on a deployed host; supply them here.
      const env = { VCC_CONTROLLER_TOKEN: 'token' };
      expect(() => loadConfig(APP_CONFIGS[app], { file: join(ROOT, 'config', file), env })).not.toThrow();
    },
  );
});
