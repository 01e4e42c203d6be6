import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { grafanaFiles } from './dashboards';

/** `npm run dashboards`: writes the dashboards and provisioning files under grafana/ (committed). */
const root = join(__dirname, '../../../grafana');
for (const [path, text] of Object.entries(grafanaFiles())) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  process.stdout.write(`wrote grafana/${path}\n`);
}
