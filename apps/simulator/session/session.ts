import { randomUUID } from 'node:crypto';
import { PageStore } from '../property-collector/paging';
import type { DataType } from '../property-collector/vim-types';
import type { ObjectToCollect } from '../property-collector/property-spec';

/** A managed object that lives in a session (container views, event history collectors). */
export interface SessionObject {
  type: string;
  schema: DataType;
  record: unknown;
}

/** A logged-in vim25 session, found by its vmware_soap_session cookie. */
export class Session {
  /** The UserSession key, used by TerminateSession and SessionIsActive. */
  readonly key = randomUUID();
  /** The value of the vmware_soap_session cookie: a different secret than the key, as in vCenter. */
  readonly cookie = randomUUID();
  readonly objects = new Map<string, SessionObject>();
  /** Paged RetrievePropertiesEx results: the objects still to serve, with the properties asked for. */
  readonly retrievals = new PageStore<ObjectToCollect>();
  readonly loginTime = Date.now();
  lastActiveTime = this.loginTime;
  callCount = 0;

  constructor(
    readonly userName: string,
    readonly ipAddress: string,
    readonly userAgent: string,
  ) {}

  /** A moref for a session-scoped object, shaped like vCenter's: session[<session>]<object>. */
  newObjectMoref(): string {
    return `session[${this.key}]${randomUUID()}`;
  }
}
