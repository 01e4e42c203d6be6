import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { grafanaFiles } from './dashboards';

describe('Grafana dashboards as code', () => {
  it.each(Object.entries(grafanaFiles()))(
    'grafana/%s is what the generator writes (edit libs/grafana and run npm run dashboards)',
    (path, text) => {
      expect(readFileSync(join(__dirname, '../../grafana', path), 'utf8')).toBe(text);
    },
  );

  it('gives every panel and variable a query on one of the three data sources', () => {
    for (const [name, dashboard] of Object.entries(
      JSON.parse(JSON.stringify(grafanaFiles())) as Record<string, string>,
    )) {
      if (!name.endsWith('.json')) continue;
      const parsed = JSON.parse(dashboard) as {
        panels: { type: string; datasource?: { uid: string }; targets?: unknown[] }[];
        templating: { list: { datasource: { uid: string }; query: string }[] };
      };
      const panels = parsed.panels.filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(0);
      for (const panel of panels) {
        expect(['vcc-influxdb', 'vcc-prometheus', 'vcc-postgres']).toContain(panel.datasource?.uid);
        expect(panel.targets?.length).toBeGreaterThan(0);
      }
      for (const variable of parsed.templating.list) expect(variable.query).not.toBe('');
    }
  });
});
