import { Injectable } from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import { ObjectDirectory } from '../property-collector/object-directory.service';
import {
  STRING,
  anyType,
  arrayOf,
  dataType,
  field,
  writeValue,
  type DataType,
} from '../property-collector/vim-types';
import type { VimMethod, VimMethods } from './vim-method';
import { VimFault } from '../soap/vim-fault.error';

type Option = [key: string, value: string];

const OPTION_VALUE: DataType = dataType<Option>('OptionValue', [
  field('key', STRING, ([key]) => key),
  field('value', anyType(STRING), ([, value]) => value),
]);

/**
 * OptionManager VpxSettings: the vpxd settings clients read, config.vpxd.stats.maxQueryMetrics first.
 * vCenter stores it as a string, so clients parse it.
 */
@Injectable()
export class OptionManagerService implements VimMethods {
  private readonly options: Option[];

  constructor(config: SimulatorConfig, directory: ObjectDirectory) {
    this.options = [
      ['config.vpxd.stats.maxQueryMetrics', String(config.sdk.maxQueryMetrics)],
      ['event.maxAge', '30'],
      ['event.maxAgeEnabled', 'true'],
      ['VirtualCenter.InstanceName', 'vcc-simulator'],
    ];
    const schema = dataType<undefined>('OptionManager', [
      field('setting', arrayOf(OPTION_VALUE), () => this.options),
    ]);
    directory.register('OptionManager', 'VpxSettings', () => ({ schema, record: undefined }));
  }

  methods(): Record<string, VimMethod> {
    return {
      // A name ending in a dot selects a subtree, as in vCenter; an unknown name is InvalidName.
      QueryOptions: (args) => {
        const name = args.value('name');
        const found =
          name === undefined
            ? this.options
            : this.options.filter(([key]) => (name.endsWith('.') ? key.startsWith(name) : key === name));
        if (!found.length) throw VimFault.invalidName(name ?? '');
        return found.map((option) => writeValue('returnval', OPTION_VALUE, option, true)).join('');
      },
    };
  }
}
