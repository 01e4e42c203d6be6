import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { request as httpRequest, type Agent as HttpAgent } from 'node:http';
import { VimTimeoutError, VimTransportError } from '../soap/vim-fault.error';

/** What the hot path needs to post to one vCenter: no strong-soap, just the session cookie. */
export interface QueryPerfConnection {
  sdkUrl: string;
  /** `vmware_soap_session=…` */
  cookie: string;
  /** urn:vim25/<apiVersion> */
  soapAction: string;
  agent: HttpsAgent | HttpAgent;
  timeoutMs: number;
}

/**
 * Posts a prepared QueryPerf body over the keep-alive agent and hands the response bytes to
 * `onData` as they arrive (so the parser runs while the rest is still on the wire); resolves with
 * the number of bytes. The bytes are not decoded here: the parser reads UTF-8 itself. HTTP 500
 * carries SOAP faults, so its body is passed on too; other statuses and broken connections reject.
 *
 * A server may close an idle keep-alive connection just as the agent hands it to a new request
 * (vCenter's proxy after its idle timeout, or after a spell of faults); the request then fails
 * before any answer. QueryPerf only reads, so it is sent once more on a fresh connection, as
 * Node's documentation of `request.reusedSocket` recommends.
 */
export async function postQueryPerf(
  connection: QueryPerfConnection,
  body: Uint8Array,
  onData: (chunk: Buffer) => void,
): Promise<number> {
  try {
    return await postOnce(connection, body, onData);
  } catch (error) {
    if (!(error instanceof DeadKeepAliveError)) throw error;
    return postOnce(connection, body, onData);
  }
}

/**
 * A reused keep-alive connection that was closed before the server answered anything. A transport
 * error like any other, so that when the second connection is dead too the caller sees a typed,
 * transient failure to retry.
 */
class DeadKeepAliveError extends VimTransportError {}

function postOnce(
  connection: QueryPerfConnection,
  body: Uint8Array,
  onData: (chunk: Buffer) => void,
): Promise<number> {
  const url = new URL(connection.sdkUrl);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = send(
      url,
      {
        method: 'POST',
        agent: connection.agent,
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: `"${connection.soapAction}"`,
          Cookie: connection.cookie,
          'Content-Length': body.byteLength,
        },
      },
      (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        const soap = status === 200 || (status === 500 && /xml/.test(String(res.headers['content-type'])));
        if (!soap) {
          res.resume();
          reject(new VimTransportError(`QueryPerf: HTTP ${status}`, status));
          return;
        }
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          try {
            onData(chunk);
          } catch (error) {
            res.destroy();
            reject(error);
          }
        });
        res.on('end', () => resolve(bytes));
        res.on('error', (error) =>
          reject(
            new VimTransportError(
              `QueryPerf: ${error.message}`,
              undefined,
              (error as NodeJS.ErrnoException).code,
            ),
          ),
        );
      },
    );
    req.setTimeout(connection.timeoutMs, () =>
      req.destroy(new VimTimeoutError('QueryPerf', connection.timeoutMs)),
    );
    req.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (req.reusedSocket && !answered && (code === 'ECONNRESET' || code === 'EPIPE'))
        return reject(new DeadKeepAliveError(`QueryPerf: ${error.message}`, undefined, code));
      reject(
        error instanceof VimTimeoutError
          ? error
          : new VimTransportError(`QueryPerf: ${error.message}`, undefined, code),
      );
    });
    req.end(body);
  });
}
