import { CollectorConfig } from '@vcc/config';
import { runApp } from '@vcc/platform';
import { CollectorModule } from './collector.module';
import { applyOnceFlags, onceCommand, onceProblems } from './once/once.command';

void runApp({
  name: 'collector',
  summary: 'collects vCenter performance data for its share of the inventory and writes it to InfluxDB',
  config: CollectorConfig,
  flags: {
    once: {
      type: 'boolean',
      description:
        'collect one cycle without a controller (vCenter from once.* or the flags below), print a summary, exit 0 if all went well',
    },
    vcenter: {
      type: 'string',
      description: 'with --once: the vCenter SDK URL, e.g. https://vc.example.com/sdk',
    },
    username: {
      type: 'string',
      description:
        'with --once: the vCenter user (the password comes from VCC_ONCE_PASSWORD_FILE or VCC_ONCE_PASSWORD)',
    },
    insecure: { type: 'boolean', description: 'with --once: skip TLS verification' },
    output: { type: 'string', description: 'with --once: also write line protocol to this file' },
  },
  commands: { once: onceCommand },
  check: (config, flags) => {
    if (flags.once) {
      const copy = structuredClone(config);
      applyOnceFlags(copy, flags);
      return onceProblems(copy);
    }
    const problems: string[] = [];
    if (!config.controller.url)
      problems.push(
        'controller.url: is required unless --once (set it in the config file or VCC_CONTROLLER_URL)',
      );
    if (!config.controller.token)
      problems.push(
        'controller.token: is required unless --once (set it in the config file, VCC_CONTROLLER_TOKEN or VCC_CONTROLLER_TOKEN_FILE)',
      );
    return problems;
  },
  module: () => CollectorModule,
});
