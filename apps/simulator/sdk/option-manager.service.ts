import { Injectable, Logger } from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import { ObjectDirectory } from '../property-collector/object-directory.service';
import { OPTION_VALUE, arrayOf, dataType, field, writeValue } from '../property-collector/vim-types';
import { VimFault } from '../soap/vim-fault.error';
import type { VimMethod, VimMethods } from './vim-method';

const MAX_QUERY_METRICS = 'config.vpxd.stats.maxQueryMetrics';

/**
 * OptionManager VpxSettings: vpxd's advanced settings, config.vpxd.stats.maxQueryMetrics first.
 * vCenter keeps them as strings, whatever type UpdateOptions sent, so clients parse them.
 */
@Injectable()
export class OptionManagerService implements VimMethods {
  private readonly logger = new Logger('OptionManager');
  private readonly options: Map<string, string>;

  constructor(
    private readonly config: SimulatorConfig,
    directory: ObjectDirectory,
  ) {
    this.options = new Map([
      [MAX_QUERY_METRICS, String(config.sdk.maxQueryMetrics)],
      ['event.maxAge', '30'],
      ['event.maxAgeEnabled', 'true'],
      ['VirtualCenter.InstanceName', 'vcc-simulator'],
    ]);
    const schema = dataType<undefined>('OptionManager', [
      field('setting', arrayOf(OPTION_VALUE), () => [...this.options]),
    ]);
    directory.register('OptionManager', 'VpxSettings', () => ({ schema, record: undefined }));
  }

  /** The maxQueryMetrics QueryPerf enforces: the setting as it is now (-1 or 0: unlimited). */
  get maxQueryMetrics(): number {
    const value = Number(this.options.get(MAX_QUERY_METRICS));
    return Number.isInteger(value) ? value : this.config.sdk.maxQueryMetrics;
  }

  methods(): Record<string, VimMethod> {
    return {
      // A name ending in a dot selects a subtree, as in vCenter; an unknown name is InvalidName.
      QueryOptions: (args) => {
        const name = args.value('name');
        const found = [...this.options].filter(
          ([key]) => name === undefined || (name.endsWith('.') ? key.startsWith(name) : key === name),
        );
        if (!found.length) throw VimFault.invalidName(name ?? '');
        return found.map((option) => writeValue('returnval', OPTION_VALUE, option, true)).join('');
      },
      UpdateOptions: (args) => {
        for (const changed of args.all('changedValue')) {
          const key = changed.value('key');
          if (!key) throw VimFault.invalidArgument('changedValue.key');
          const value = changed.value('value') ?? '';
          this.options.set(key, value);
          this.logger.log(`${key} = ${value}`);
        }
        return '';
      },
    };
  }
}
