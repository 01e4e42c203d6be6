import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { startApp, type RunningApp } from '../support/apps';
import { runProcess } from '../support/processes';

export const ADMIN_TOKEN = 'simulator-e2e-admin-token';

/** Starts the built simulator with a small inventory, no timed inventory changes and the admin API on. */
export function startSimulator(env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp('simulator', {
    env: {
      VCC_ADMIN_TOKEN: ADMIN_TOKEN,
      VCC_EVENTS_INTERVAL_SECONDS: '0',
      VCC_INVENTORY_SEED: '11',
      ...env,
    },
  });
}

/** Runs test/pyvmomi/simulator_probe.py (VMware's pyVmomi) against the simulator and returns its JSON. */
export async function probe<T = Record<string, unknown>>(app: RunningApp, ...probes: string[]): Promise<T> {
  const result = await runProcess('/usr/bin/python3', [
    'test/pyvmomi/simulator_probe.py',
    `${app.url}/sdk`,
    'user',
    'pass',
    ...probes,
  ]);
  if (result.code !== 0) throw new Error(`simulator_probe.py ${probes.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** An HTTP(S) request that accepts the simulator's self-signed certificate. */
export function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  const send = url.startsWith('https:') ? request : plainRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: options.method ?? 'GET', headers: options.headers, rejectUnauthorized: false, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A call to the admin API with the admin token and a JSON body. */
export async function admin(
  app: RunningApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpAnswer> {
  return call(`${app.url}/admin/${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A vim25 caller that keeps the session cookie and returns every answer, faults included. */
export class SoapSession {
  private cookie?: string;

  constructor(private readonly sdk: string) {}

  async call(body: string): Promise<HttpAnswer> {
    const send = this.sdk.startsWith('https:') ? request : plainRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        this.sdk,
        {
          method: 'POST',
          rejectUnauthorized: false,
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            ...(this.cookie ? { Cookie: this.cookie } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const cookie = res.headers['set-cookie']?.find((c) => c.startsWith('vmware_soap_session='));
            if (cookie) this.cookie = cookie.split(';')[0];
            resolve({ status: res.statusCode ?? 0, body: text });
          });
        },
      );
      req.on('error', reject);
      req.end(
        `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
      );
    });
  }

  /** The answer of a call that must succeed. */
  async ok(body: string): Promise<string> {
    const answer = await this.call(body);
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.body}`);
    return answer.body;
  }

  /** The fault of a call that must fail as vCenter fails: HTTP 500, ServerFaultCode, the vim25 fault in detail. */
  async fault(body: string): Promise<{ type: string; message: string }> {
    const answer = await this.call(body);
    if (answer.status !== 500 || !answer.body.includes('<faultcode>ServerFaultCode</faultcode>'))
      throw new Error(`expected a SOAP fault, got HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
    return {
      type: answer.body.match(/<(\w+)Fault xmlns="urn:vim25" xsi:type="\1">/)?.[1] ?? 'none',
      message: answer.body.match(/<faultstring>([^<]*)<\/faultstring>/)?.[1] ?? '',
    };
  }

  login(user = 'user', password = 'pass'): Promise<string> {
    return this.ok(
      `<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>${user}</userName><password>${password}</password></Login>`,
    );
  }
}
