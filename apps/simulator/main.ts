import { SimulatorConfig } from '@vcc/config';
import { runApp } from '@vcc/platform';
import { selfSignedCertificate } from './sdk/self-signed-certificate';
import { SimulatorModule } from './simulator.module';

void runApp({
  name: 'simulator',
  summary: 'a vSphere API simulator for the quickstart, benchmarks and fault tests',
  config: SimulatorConfig,
  module: () => SimulatorModule,
  defaultTls: (config, logger) =>
    config.http.tls.selfSigned ? selfSignedCertificate(config.http.host, logger) : undefined,
});
