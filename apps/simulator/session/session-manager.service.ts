import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import { ObjectDirectory } from '../property-collector/object-directory.service';
import {
  BOOLEAN,
  DATE_TIME,
  LONG,
  STRING,
  arrayOf,
  dataType,
  dataXml,
  field,
  type DataType,
} from '../property-collector/vim-types';
import type { CallContext, VimMethod, VimMethods } from '../sdk/vim-method';
import { type XmlNode } from '../soap/soap-request';
import { VimFault } from '../soap/vim-fault.error';
import { Session } from './session';

const COOKIE = /(?:^|;\s*)vmware_soap_session="?([^";]+)"?/;
const SWEEP_INTERVAL_MS = 60_000;

const USER_SESSION: DataType = dataType<Session>('UserSession', [
  field('key', STRING, (s) => s.key),
  field('userName', STRING, (s) => s.userName),
  field('fullName', STRING, (s) => s.userName),
  field('loginTime', DATE_TIME, (s) => s.loginTime),
  field('lastActiveTime', DATE_TIME, (s) => s.lastActiveTime),
  field('locale', STRING, () => 'en'),
  field('messageLocale', STRING, () => 'en'),
  field('extensionSession', BOOLEAN, () => false),
  field('ipAddress', STRING, (s) => s.ipAddress),
  field('userAgent', STRING, (s) => s.userAgent),
  field('callCount', LONG, (s) => s.callCount),
]);

/**
 * SessionManager: Login hands out the vmware_soap_session cookie; sessions expire after the idle
 * timeout, or all at once through the admin API.
 */
@Injectable()
export class SessionManagerService implements VimMethods, OnModuleDestroy {
  private readonly logger = new Logger('SessionManager');
  private readonly byCookie = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: SimulatorConfig,
    directory: ObjectDirectory,
  ) {
    const schema = dataType<Session | undefined>('SessionManager', [
      field('currentSession', USER_SESSION, (session) => session),
      field('sessionList', arrayOf(USER_SESSION), () => [...this.byCookie.values()]),
      field('defaultLocale', STRING, () => 'en'),
      field('supportedLocaleList', arrayOf(STRING), () => ['en']),
    ]);
    directory.register('SessionManager', 'SessionManager', (session) => ({ schema, record: session }));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** The live session a request's Cookie header names, after marking it active; undefined when none. */
  fromCookieHeader(header: string | undefined): Session | undefined {
    const cookie = header?.match(COOKIE)?.[1];
    const session = cookie === undefined ? undefined : this.byCookie.get(cookie);
    if (!session) return undefined;
    if (this.idle(session, Date.now())) {
      this.byCookie.delete(cookie!);
      return undefined;
    }
    session.lastActiveTime = Date.now();
    session.callCount += 1;
    return session;
  }

  /** Ends every session, so that every client's next call gets NotAuthenticated. */
  expireAll(): number {
    const count = this.byCookie.size;
    this.byCookie.clear();
    this.logger.log(`expired all ${count} session(s)`);
    return count;
  }

  methods(): Record<string, VimMethod> {
    return {
      Login: (args, call) => this.login(args, call),
      Logout: (_args, call) => {
        this.byCookie.delete(call.session!.cookie);
        return '';
      },
      TerminateSession: (args, call) => this.terminate(args, call),
      SessionIsActive: (args) => {
        const key = args.value('sessionID');
        const user = args.value('userName');
        const active = [...this.byCookie.values()].some((s) => s.key === key && s.userName === user);
        return `<returnval>${active}</returnval>`;
      },
    };
  }

  private login(args: XmlNode, call: CallContext): string {
    const { username, password } = this.config.sdk;
    if (args.value('userName') !== username || args.value('password') !== password)
      throw VimFault.invalidLogin();
    if (call.session) this.byCookie.delete(call.session.cookie);
    const session = new Session(username, call.ipAddress, call.userAgent);
    this.byCookie.set(session.cookie, session);
    call.setCookie = `vmware_soap_session="${session.cookie}"; Path=/; HttpOnly${call.secure ? '; Secure' : ''}`;
    return `<returnval>${dataXml(USER_SESSION, session)}</returnval>`;
  }

  private terminate(args: XmlNode, call: CallContext): string {
    const keys = args.all('sessionId').map((node) => node.text);
    for (const key of keys) {
      if (key === call.session!.key) throw VimFault.invalidArgument('sessionId');
      const session = [...this.byCookie.values()].find((s) => s.key === key);
      if (!session) throw VimFault.notFound();
      this.byCookie.delete(session.cookie);
    }
    return '';
  }

  private idle(session: Session, now: number): boolean {
    return now - session.lastActiveTime > this.config.sdk.sessionIdleTimeoutSeconds * 1000;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [cookie, session] of this.byCookie) if (this.idle(session, now)) this.byCookie.delete(cookie);
  }
}
