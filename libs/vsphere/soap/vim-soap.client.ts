import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { join } from 'node:path';
import { soap, type Client } from 'strong-soap';
import { VimDecoder, type MoRef } from './vim-decoder';
import { VimFaultError, VimTimeoutError, VimTransportError } from './vim-fault.error';

/** How to reach one vCenter's SDK endpoint. */
export interface VimEndpoint {
  /** e.g. https://vcenter.example.com/sdk */
  sdkUrl: string;
  /** Skip TLS certificate verification (on by default, as it should be). */
  insecure?: boolean;
  /** PEM file of the CA that signed vCenter's certificate, when it is not a public one. */
  caFile?: string;
  /** Per-call timeout. */
  timeoutMs?: number;
}

const WSDL = join(__dirname, 'vim25.wsdl');
const SESSION_COOKIE = 'vmware_soap_session';

function createStrongSoapClient(sdkUrl: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    soap.createClient(WSDL, { endpoint: sdkUrl }, (error, client) =>
      error ? reject(error) : resolve(client),
    );
  });
}

/**
 * The control-plane transport: strong-soap driven by vcc's vim25 WSDL subset, over one keep-alive
 * connection pool, carrying the vmware_soap_session cookie and sending SOAPAction urn:vim25/<api
 * version>. Results come back typed (see VimDecoder); faults as VimFaultError.
 */
export class VimSoapClient {
  /** The session cookie, `vmware_soap_session=…`; set by Login, never logged. */
  cookie: string | undefined;
  readonly agent: HttpsAgent | HttpAgent;
  readonly timeoutMs: number;
  private readonly decoder: VimDecoder;

  private constructor(
    private readonly client: Client,
    readonly endpoint: VimEndpoint,
  ) {
    this.decoder = new VimDecoder(client);
    this.timeoutMs = endpoint.timeoutMs ?? 60_000;
    this.agent = endpoint.sdkUrl.startsWith('https:')
      ? new HttpsAgent({
          keepAlive: true,
          rejectUnauthorized: !endpoint.insecure,
          ca: endpoint.caFile ? readFileSync(endpoint.caFile) : undefined,
        })
      : new HttpAgent({ keepAlive: true });
  }

  static async create(endpoint: VimEndpoint): Promise<VimSoapClient> {
    const client = await createStrongSoapClient(endpoint.sdkUrl);
    client.setEndpoint(endpoint.sdkUrl);
    return new VimSoapClient(client, endpoint);
  }

  /** vCenter answers in the schema version the SOAPAction names; use the newest it speaks. */
  setApiVersion(apiVersion: string): void {
    this.client.setSOAPAction(`urn:vim25/${apiVersion}`);
  }

  /** Calls `operation` on the managed object `target` and returns its typed `returnval`. */
  async invoke<T = unknown>(
    operation: string,
    target: MoRef,
    args: Record<string, unknown> = {},
  ): Promise<T> {
    const method = this.client[operation] as
      ((args: unknown, options: unknown, headers: unknown) => Promise<{ result: unknown }>) | undefined;
    if (!method) throw new Error(`vim25 operation ${operation} is not in vcc's WSDL`);
    const headers: Record<string, string> = { Connection: 'keep-alive' };
    if (this.cookie) headers.Cookie = this.cookie;
    const request = { _this: moRefArg(target), ...args };
    const send = async (): Promise<unknown> => {
      try {
        const { result } = await method.call(
          this.client,
          request,
          { agent: this.agent, timeout: this.timeoutMs, gzip: true },
          headers,
        );
        return result;
      } catch (error) {
        throw this.translate(operation, error);
      }
    };
    let result: unknown;
    try {
      result = await send();
    } catch (error) {
      if (!READS.has(operation) || !isDeadConnection(error)) throw error;
      result = await send();
    }
    this.rememberCookie();
    return this.decoder.returnValue(operation, result) as T;
  }

  /**
   * Reads a response body exactly as `invoke` does, without the HTTP exchange: strong-soap's parser,
   * then the typing pass. Lets the benchmark measure strong-soap's parsing on its own.
   */
  parseResponse<T = unknown>(operation: string, xml: string): T {
    const internals = this.client as unknown as StrongSoapInternals;
    const binding = Object.values(internals.wsdl.definitions.bindings)[0];
    const envelope = binding.operations[operation].describe(internals.wsdl.definitions).outputEnvelope;
    try {
      const parsed = internals.xmlHandler.xmlToJson(null, xml, envelope);
      return this.decoder.returnValue(operation, parsed.Body[`${operation}Response`]) as T;
    } catch (error) {
      throw this.translate(operation, error);
    }
  }

  /** Typed decoding of a value read through the property collector (DynamicProperty.val is xsd:anyType). */
  decode(value: unknown): unknown {
    return this.decoder.decode(value, undefined);
  }

  close(): void {
    this.agent.destroy();
  }

  private rememberCookie(): void {
    const setCookie = this.client.lastResponseHeaders?.['set-cookie'];
    const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
    const session = cookies.find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
    if (session) this.cookie = session.split(';')[0];
  }

  private translate(operation: string, error: unknown): Error {
    const failure = error as Error & {
      code?: string;
      root?: {
        Envelope?: { Body?: { Fault?: { faultcode?: string; faultstring?: string; detail?: unknown } } };
      };
      response?: { statusCode?: number };
    };
    const fault = failure.root?.Envelope?.Body?.Fault;
    if (fault) {
      const detail = this.decoder.faultDetail(fault.detail);
      return new VimFaultError(
        detail?.type ?? fault.faultcode ?? 'ServerFaultCode',
        String(fault.faultstring ?? ''),
        detail?.fields,
      );
    }
    if (failure.code === 'ETIMEDOUT' || failure.code === 'ESOCKETTIMEDOUT')
      return new VimTimeoutError(operation, this.timeoutMs);
    const status = failure.response?.statusCode;
    return new VimTransportError(`${operation}: ${failure.message}`, status, failure.code);
  }
}

/** The strong-soap internals parseResponse uses (pinned strong-soap version). */
interface StrongSoapInternals {
  wsdl: {
    definitions: {
      bindings: Record<
        string,
        { operations: Record<string, { describe(definitions: unknown): { outputEnvelope: unknown } }> }
      >;
    };
  };
  xmlHandler: {
    xmlToJson(context: null, xml: string, descriptor: unknown): { Body: Record<string, unknown> };
  };
}

/**
 * Calls that only read, so that sending one twice does no harm. A server may close an idle
 * keep-alive connection just as the client reuses it (vCenter's proxy after its idle timeout, or
 * after a spell of faults); such a call is sent once more on a fresh connection. Calls that move a
 * cursor (ReadNextEvents, ContinueRetrievePropertiesEx) or create or destroy objects are not.
 */
const READS = new Set([
  'RetrieveServiceContent',
  'CurrentTime',
  'RetrievePropertiesEx',
  'QueryOptions',
  'QueryPerfProviderSummary',
  'QueryPerfCounterByLevel',
  'QueryPerf',
  'QueryEvents',
]);

/** The connection was reset before any answer came: the request most likely never reached vCenter. */
function isDeadConnection(error: unknown): boolean {
  return (
    error instanceof VimTransportError &&
    error.statusCode === undefined &&
    (error.code === 'ECONNRESET' || error.code === 'EPIPE')
  );
}

/** strong-soap's shape for a ManagedObjectReference argument. */
export function moRefArg(ref: MoRef): Record<string, unknown> {
  return { $attributes: { type: ref.type }, $value: ref.value };
}
