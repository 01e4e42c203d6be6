import type { ControllerClientConfig } from '@vcc/config';
import { readRegularFile } from '@vcc/config';
import { COLLECTOR_SECRET_HEADER, type CollectorGone } from '@vcc/contract';
import type { ConnectionOptions } from 'node:tls';
import { Agent } from 'undici';
import type {
  AssignmentResponse,
  CycleStats,
  EventRow,
  RegisterRequest,
  RegistrationResponse,
  SnapshotShard,
  VcenterCredentials,
} from './controller.types';

/**
 * An answer from the controller other than success; `status` 0 means it could not be reached.
 * `retryAfterSeconds` is the controller's Retry-After, when it sent one; `gone` why the controller
 * no longer knows this collector, on a 404 or 410.
 */
export class ControllerError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterSeconds?: number,
    readonly gone?: CollectorGone,
  ) {
    super(message);
    this.name = 'ControllerError';
  }
}

/** Node's codes for a server certificate that fails verification (OpenSSL's X509_V_ERR_* names). */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * How https connections to the controller are checked (PEM text of controller.caFile, certFile,
 * keyFile): its certificate against the CA file or, without one, the system's CAs; ours shown when
 * it asks for one.
 */
export function controllerTls(config: ControllerClientConfig): ConnectionOptions {
  const pem = (file: string | undefined): string | undefined => (file ? readRegularFile(file) : undefined);
  return {
    ca: pem(config.caFile),
    cert: pem(config.certFile),
    key: pem(config.keyFile),
    rejectUnauthorized: !config.insecure,
  };
}

/**
 * The collector's side of the controller's REST API, with the collector-role bearer token. It keeps
 * the secret of the registration it made and sends it on every call about that collector.
 */
export class ControllerClient {
  private readonly dispatcher: Agent;
  private registered?: { collectorId: string; secret: string };

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
    tls: ConnectionOptions,
  ) {
    this.dispatcher = new Agent({ connect: tls });
  }

  async register(body: RegisterRequest): Promise<RegistrationResponse> {
    const response = await this.request<RegistrationResponse>('POST', '/api/v1/collectors/register', body);
    this.registered = { collectorId: response.collectorId, secret: response.secret };
    return response;
  }

  heartbeat(id: string, stats: CycleStats | undefined): Promise<AssignmentResponse> {
    return this.request(
      'POST',
      `/api/v1/collectors/${encodeURIComponent(id)}/heartbeat`,
      stats ? { stats } : {},
      this.secretOf(id),
    );
  }

  /** The user name and password of a vCenter this collector holds group indices on. */
  credentials(id: string, vcenterId: string): Promise<VcenterCredentials> {
    return this.request(
      'GET',
      `/api/v1/collectors/${encodeURIComponent(id)}/credentials/${encodeURIComponent(vcenterId)}`,
      undefined,
      this.secretOf(id),
    );
  }

  async deregister(id: string): Promise<void> {
    await this.request(
      'DELETE',
      `/api/v1/collectors/${encodeURIComponent(id)}`,
      undefined,
      this.secretOf(id),
    );
  }

  async postSnapshotShard(shard: SnapshotShard): Promise<void> {
    await this.request('POST', '/api/v1/inventory/snapshots', shard);
  }

  async postEvents(vcenter: string, events: EventRow[]): Promise<void> {
    await this.request('POST', '/api/v1/events', { vcenter, events });
  }

  /** The vCenter's highest stored event key and its createdTime (ISO), where the event tail resumes. */
  lastEvent(vcenterId: string): Promise<{ lastKey: number | null; lastTime: string | null }> {
    return this.request('GET', `/api/v1/vcenters/${encodeURIComponent(vcenterId)}/events/last-key`);
  }

  private secretOf(id: string): string | undefined {
    return this.registered?.collectorId === id ? this.registered.secret : undefined;
  }

  private async request<T>(method: string, path: string, body?: unknown, secret?: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(secret !== undefined ? { [COLLECTOR_SECRET_HEADER]: secret } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        dispatcher: this.dispatcher,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code && UNTRUSTED_CERTIFICATE.has(cause.code))
        throw new ControllerError(
          `${method} ${path}: the controller's TLS certificate was refused (${cause.code}: ${cause.message}); controller.caFile must name the CA that signed it`,
          0,
        );
      throw new ControllerError(
        `${method} ${path}: controller unreachable (${cause?.code ?? (error as Error).message})`,
        0,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 500);
      let gone: CollectorGone | undefined;
      try {
        const parsed = JSON.parse(text) as { message?: string; gone?: CollectorGone };
        message = parsed.message ?? message;
        gone = parsed.gone;
      } catch {
        // not JSON: keep the text
      }
      const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
      throw new ControllerError(
        `${method} ${path}: HTTP ${response.status}: ${message}`,
        response.status,
        Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
        gone,
      );
    }
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      // JSON.parse quotes the text it choked on, and this answer may hold a vCenter password: say
      // what went wrong without it, since the message reaches the logs.
      throw new ControllerError(
        `${method} ${path}: HTTP ${response.status}: the answer is not JSON (${text.length} bytes)`,
        response.status,
      );
    }
  }
}
