import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SimulatorConfig, type FaultErrorKind } from '@vcc/config';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VimFault } from '../soap/vim-fault.error';

export interface FaultSettings {
  latencyMs: number;
  errorRate: number;
  errorKinds: FaultErrorKind[];
  errorMethods: string[];
}

/** A call that must fail without a SOAP answer: HTTP 503, or the connection closed. */
export class InjectedTransportError extends Error {
  constructor(readonly kind: 'unavailable' | 'reset') {
    super(`${kind} injected by the vcc simulator`);
  }
}

/**
 * Injected faults: latency on every SOAP call, a share of calls (of some methods) failing with a
 * SystemError fault, HTTP 503 or a reset connection, and a spell of refused connections (the
 * listening socket closed, as when vCenter's proxy is down).
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
    const { latencyMs, errorRate, errorKinds, errorMethods } = config.faults;
    this.settings = { latencyMs, errorRate, errorKinds, errorMethods };
  }

  get current(): FaultSettings & { refusingConnectionsUntil?: string } {
    const until = this.refusing?.until;
    return {
      ...this.settings,
      ...(until ? { refusingConnectionsUntil: new Date(until).toISOString() } : {}),
    };
  }

  update(changes: Partial<FaultSettings>): FaultSettings & { refusingConnectionsUntil?: string } {
    const given = Object.entries(changes).filter(([, value]) => value !== undefined);
    this.settings = { ...this.settings, ...Object.fromEntries(given) };
    const { latencyMs, errorRate, errorKinds, errorMethods } = this.settings;
    this.logger.log(
      `faults: latency ${latencyMs} ms, error rate ${errorRate} (${errorKinds.join(', ')}) on ${errorMethods.length ? errorMethods.join(', ') : 'every method'}`,
    );
    return this.current;
  }

  /**
   * Runs before each SOAP call: waits the injected latency, then maybe fails the call with a
   * VimFault or an InjectedTransportError.
   */
  async beforeCall(method: string): Promise<void> {
    const { latencyMs, errorRate, errorKinds, errorMethods } = this.settings;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (errorRate === 0 || (errorMethods.length > 0 && !errorMethods.includes(method))) return;
    if (Math.random() >= errorRate) return;
    const kind = errorKinds[Math.floor(Math.random() * errorKinds.length)];
    if (kind === 'systemError') throw VimFault.systemError('fault injected by the vcc simulator');
    throw new InjectedTransportError(kind);
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
