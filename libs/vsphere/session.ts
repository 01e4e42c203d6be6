import type { MoRef } from './soap/vim-decoder';
import { isNotAuthenticated, VimFaultError } from './soap/vim-fault.error';
import { VimSoapClient, type VimEndpoint } from './soap/vim-soap.client';
import { SERVICE_INSTANCE, type ServiceContent } from './service-content';

export interface VimCredentials {
  username: string;
  password: string;
}

/** Where the session reports what it does; the collector turns these into logs and metrics. */
export interface SessionObserver {
  /** Every vCenter call, with its duration and its error if it failed. */
  call?(operation: string, seconds: number, error?: unknown): void;
  relogin?(reason: string): void;
  info?(message: string): void;
}

export interface SessionOptions {
  /** Idle sessions expire after 30 minutes by default on vCenter; ping well before. 0 disables. */
  keepAliveMs?: number;
  observer?: SessionObserver;
}

/**
 * A logged-in vim25 session (SessionManager): Login with the vmware_soap_session cookie, a
 * CurrentTime keep-alive, and transparent re-login with one retry when vCenter says
 * NotAuthenticated (expired, terminated, or vCenter restarted). The password stays in memory only
 * to log in again; it is never logged.
 */
export class VimSession {
  relogins = 0;
  /** UserSession.key of the current login (what SessionManager.TerminateSession takes). */
  sessionKey: string | undefined;
  private keepAlive?: NodeJS.Timeout;
  private loggingIn?: Promise<void>;

  private constructor(
    readonly soap: VimSoapClient,
    readonly serviceContent: ServiceContent,
    private readonly credentials: VimCredentials,
    private readonly options: SessionOptions,
  ) {}

  static async connect(
    endpoint: VimEndpoint,
    credentials: VimCredentials,
    options: SessionOptions = {},
  ): Promise<VimSession> {
    const soap = await VimSoapClient.create(endpoint);
    try {
      const content = await soap.invoke<ServiceContent>('RetrieveServiceContent', SERVICE_INSTANCE);
      soap.setApiVersion(content.about.apiVersion);
      const session = new VimSession(soap, content, credentials, options);
      await session.login();
      session.startKeepAlive();
      return session;
    } catch (error) {
      soap.close();
      throw error;
    }
  }

  get about(): ServiceContent['about'] {
    return this.serviceContent.about;
  }

  /** Calls an operation, logging in again and retrying once if the session is gone. */
  call<T = unknown>(operation: string, target: MoRef, args: Record<string, unknown> = {}): Promise<T> {
    return this.withRelogin(() => this.invoke<T>(operation, target, args));
  }

  /**
   * Calls an operation once, without re-login: for steps of a larger unit of work (a view and the
   * pages read through it) that must be retried as a whole, under one withRelogin.
   */
  invoke<T = unknown>(operation: string, target: MoRef, args: Record<string, unknown> = {}): Promise<T> {
    return this.timed(operation, () => this.soap.invoke<T>(operation, target, args));
  }

  /** Runs `work`; if it fails with NotAuthenticated, logs in again and runs it once more. */
  async withRelogin<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isNotAuthenticated(error)) throw error;
      this.relogins++;
      this.options.observer?.relogin?.((error as Error).message);
      await this.login();
      return work();
    }
  }

  /** Logs in; concurrent callers share one Login. */
  login(): Promise<void> {
    this.loggingIn ??= this.timed('Login', async () => {
      this.soap.cookie = undefined;
      const session = await this.soap.invoke<{ key: string }>('Login', this.sessionManager(), {
        userName: this.credentials.username,
        password: this.credentials.password,
      });
      this.sessionKey = session.key;
      this.options.observer?.info?.(
        `logged in to ${this.soap.endpoint.sdkUrl} as ${this.credentials.username}`,
      );
    }).finally(() => {
      this.loggingIn = undefined;
    });
    return this.loggingIn;
  }

  /** The server's clock, which query windows must use rather than the local one. */
  async currentTime(): Promise<Date> {
    return this.call<Date>('CurrentTime', SERVICE_INSTANCE);
  }

  /** Logs out (best effort) and closes the connections. */
  async logout(): Promise<void> {
    clearInterval(this.keepAlive);
    try {
      if (this.soap.cookie) await this.soap.invoke('Logout', this.sessionManager());
    } catch {
      // The session may already be gone; closing the connection is what matters now.
    } finally {
      this.soap.cookie = undefined;
      this.soap.close();
    }
  }

  private sessionManager(): MoRef {
    const ref = this.serviceContent.sessionManager;
    if (!ref) throw new VimFaultError('NotSupported', 'this endpoint has no SessionManager');
    return ref;
  }

  private startKeepAlive(): void {
    const every = this.options.keepAliveMs ?? 5 * 60_000;
    if (every <= 0) return;
    this.keepAlive = setInterval(() => {
      this.currentTime().catch(() => undefined); // a failure surfaces on the next real call
    }, every);
    this.keepAlive.unref();
  }

  private async timed<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      this.options.observer?.call?.(operation, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.options.observer?.call?.(operation, (performance.now() - started) / 1000, error);
      throw error;
    }
  }
}
