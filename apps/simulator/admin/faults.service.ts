import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SimulatorConfig } from '@vcc/config';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VimFault } from '../soap/vim-fault.error';

export interface FaultSettings {
  latencyMs: number;
  errorRate: number;
}

/**
 * Injected faults: latency on every SOAP call, a share of calls answered with SystemError, and a
 * spell of refused connections (the listening socket closed, as when vCenter's proxy is down).
 */
@Injectable()
export class FaultsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Faults');
  private settings: FaultSettings;
  private refusing?: { until: number; timer?: NodeJS.Timeout; port: number; address: string };

  constructor(
    config: SimulatorConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.settings = { latencyMs: config.faults.latencyMs, errorRate: config.faults.errorRate };
  }

  get current(): FaultSettings & { refusingConnectionsUntil?: string } {
    const until = this.refusing?.until;
    return {
      ...this.settings,
      ...(until ? { refusingConnectionsUntil: new Date(until).toISOString() } : {}),
    };
  }

  update(changes: Partial<FaultSettings>): FaultSettings & { refusingConnectionsUntil?: string } {
    this.settings = { ...this.settings, ...changes };
    this.logger.log(`faults: latency ${this.settings.latencyMs} ms, error rate ${this.settings.errorRate}`);
    return this.current;
  }

  /** Runs before each SOAP call: waits the injected latency, then maybe fails the call. */
  async beforeCall(): Promise<void> {
    const { latencyMs, errorRate } = this.settings;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (errorRate > 0 && Math.random() < errorRate)
      throw VimFault.systemError('fault injected by the vcc simulator');
  }

  /**
   * Stops accepting connections for `seconds`: new connections are refused and idle keep-alive ones
   * closed; calls in flight (this admin call among them) complete. A second call sets a new end.
   */
  refuseConnections(seconds: number): { refusingConnectionsUntil: string } {
    if (!this.refusing) {
      const server = this.server();
      const { port, address } = server.address() as AddressInfo;
      server.close();
      server.closeIdleConnections();
      this.refusing = { port, address, until: 0 };
    }
    clearTimeout(this.refusing.timer);
    this.refusing.until = Date.now() + seconds * 1000;
    this.refusing.timer = setTimeout(() => void this.listenAgain(), seconds * 1000);
    this.logger.warn(`refusing connections for ${seconds} s`);
    return { refusingConnectionsUntil: new Date(this.refusing.until).toISOString() };
  }

  /** The server must be listening again for the HTTP adapter to close it. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.listenAgain();
  }

  private async listenAgain(): Promise<void> {
    const refusing = this.refusing;
    if (!refusing) return;
    this.refusing = undefined;
    clearTimeout(refusing.timer);
    await new Promise<void>((resolve) => this.server().listen(refusing.port, refusing.address, resolve));
    this.logger.log(`accepting connections again on port ${refusing.port}`);
  }

  private server(): Server {
    return this.adapterHost.httpAdapter.getHttpServer() as Server;
  }
}
