import { readFileSync } from 'node:fs';
import type { SinkConfig, WriteConfig } from '@vcc/config';
import { FileSink } from './file.sink';
import { InfluxDbV1Sink } from './influxdb-v1.sink';
import { InfluxDbV2Sink } from './influxdb-v2.sink';
import { PrometheusSink } from './prometheus.sink';
import type { Sink } from './sink';

const SINK_TIMEOUT_MS = 30_000;

function secret(value: string | undefined, file: string | undefined): string | undefined {
  return file !== undefined ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : value;
}

export function createSinks(configs: SinkConfig[], write: WriteConfig): Sink[] {
  const options = { gzip: write.gzip, timeoutMs: SINK_TIMEOUT_MS };
  return configs.map((config) => {
    switch (config.type) {
      case 'influxdb-v2':
        return new InfluxDbV2Sink(config, secret(config.token, config.tokenFile) ?? '', options);
      case 'influxdb-v1':
        return new InfluxDbV1Sink(config, secret(config.password, config.passwordFile), options);
      case 'prometheus':
        return new PrometheusSink();
      case 'file':
        return new FileSink(config);
    }
  });
}
