import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { FaultsService, InjectedTransportError } from '../admin/faults.service';
import { EventManagerService } from '../events/event-manager.service';
import { PerformanceManagerService } from '../perf/performance-manager.service';
import { PropertyCollectorService } from '../property-collector/property-collector.service';
import { SessionManagerService } from '../session/session-manager.service';
import { faultEnvelope, responseEnvelope } from '../soap/envelope';
import { parseSoapRequest } from '../soap/soap-request';
import { VimFault } from '../soap/vim-fault.error';
import { ViewManagerService } from '../view/view-manager.service';
import { OptionManagerService } from './option-manager.service';
import { ServiceInstanceService } from './service-instance.service';
import type { CallContext, VimMethod } from './vim-method';

/** The methods vCenter answers without a session. */
const ANONYMOUS = new Set(['RetrieveServiceContent', 'Login', 'CurrentTime']);

const calls = new Counter({
  name: 'vcc_simulator_soap_calls_total',
  help: 'vim25 SOAP calls served, by method and outcome (ok or the fault type)',
  labelNames: ['method', 'outcome'],
});

/**
 * The /sdk endpoint: parses the envelope, applies injected faults, checks the session, calls the
 * method and writes the response or the fault (HTTP 500) as vCenter does.
 */
@Injectable()
export class SdkService {
  private readonly logger = new Logger('Sdk');
  private readonly methods: Record<string, VimMethod>;

  constructor(
    private readonly sessions: SessionManagerService,
    private readonly faults: FaultsService,
    serviceInstance: ServiceInstanceService,
    propertyCollector: PropertyCollectorService,
    viewManager: ViewManagerService,
    performanceManager: PerformanceManagerService,
    eventManager: EventManagerService,
    optionManager: OptionManagerService,
  ) {
    this.methods = Object.assign(
      {},
      ...[
        sessions,
        serviceInstance,
        propertyCollector,
        viewManager,
        performanceManager,
        eventManager,
        optionManager,
      ].map((service) => service.methods()),
    );
  }

  async serve(body: string | undefined, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let method = 'unknown';
    let setCookie: string | undefined;
    let xml: string | Buffer;
    try {
      const parsed = parseSoapRequest(body ?? '');
      method = parsed.method;
      await this.faults.beforeCall(method);
      const call: CallContext = {
        session: this.sessions.fromCookieHeader(request.headers.cookie),
        target: {
          type: parsed.args.child('_this')?.attrs.type ?? '',
          value: parsed.args.value('_this') ?? '',
        },
        ipAddress: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
        secure: request.protocol === 'https',
      };
      const handler = Object.hasOwn(this.methods, method) ? this.methods[method] : undefined;
      if (!handler) {
        this.logger.warn(`method ${method} is not implemented by the simulator`);
        method = 'unknown'; // metric labels stay bounded whatever clients send
        throw VimFault.notImplemented();
      }
      if (!call.session && !ANONYMOUS.has(method)) throw VimFault.notAuthenticated(call.target);
      const returned = handler(parsed.args, call);
      xml = typeof returned === 'string' ? responseEnvelope(method, returned) : returned;
      setCookie = call.setCookie;
      calls.inc({ method, outcome: 'ok' });
    } catch (error) {
      if (error instanceof InjectedTransportError) return this.failWithout(error, method, reply);
      const fault = error instanceof VimFault ? error : this.unexpected(method, error);
      calls.inc({ method, outcome: fault.faultType });
      reply.code(500);
      xml = faultEnvelope(fault);
    }
    if (setCookie) reply.header('Set-Cookie', setCookie);
    await reply.header('Content-Type', 'text/xml; charset=utf-8').send(xml);
  }

  /** What a proxy in front of vCenter does when vCenter is down or restarting. */
  private async failWithout(
    error: InjectedTransportError,
    method: string,
    reply: FastifyReply,
  ): Promise<void> {
    calls.inc({ method: Object.hasOwn(this.methods, method) ? method : 'unknown', outcome: error.kind });
    if (error.kind === 'reset') {
      reply.hijack();
      reply.raw.destroy();
      return;
    }
    await reply.code(503).header('Content-Type', 'text/plain').send('Service Unavailable');
  }

  private unexpected(method: string, error: unknown): VimFault {
    this.logger.error(`${method} failed: ${(error as Error).stack ?? String(error)}`);
    return VimFault.systemError((error as Error).message);
  }
}
