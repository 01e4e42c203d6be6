import type { Session } from '../session/session';
import type { XmlNode } from '../soap/soap-request';
import type { Moref } from '../soap/xml';

/** What a vim25 method sees of the HTTP request that called it. */
export interface CallContext {
  /** The caller's session; methods that need none may run without. */
  session?: Session;
  /** The managed object the method was called on (`_this`). */
  target: Moref;
  ipAddress: string;
  userAgent: string;
  /** Whether the call came over HTTPS (cookies get the Secure flag). */
  secure: boolean;
  /** Set-Cookie header to send back (Login). */
  setCookie?: string;
}

/**
 * A vim25 method: reads its arguments and returns the XML inside its response element (returnval…),
 * or, for large answers written straight into a ResponseWriter, the whole envelope as bytes.
 */
export type VimMethod = (args: XmlNode, call: CallContext) => string | Buffer;

/** A managed object type that implements vim25 methods. */
export interface VimMethods {
  methods(): Record<string, VimMethod>;
}
