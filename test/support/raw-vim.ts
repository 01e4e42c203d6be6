import { request } from 'node:https';
import { request as plainRequest } from 'node:http';

/**
 * A deliberately minimal vim25 SOAP client for tests: raw envelopes and regular expressions, no
 * shared code with libs/vsphere, so it can check that library and drive simulators (for example
 * terminate a session) independently.
 */
export class RawVim {
  private cookie?: string;

  constructor(private readonly sdkUrl: string) {}

  async call(body: string): Promise<string> {
    const envelope = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
    const url = new URL(this.sdkUrl);
    const send = url.protocol === 'https:' ? request : plainRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'POST',
          rejectUnauthorized: false,
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            SOAPAction: '"urn:vim25/6.5"',
            ...(this.cookie ? { Cookie: this.cookie } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.find((c) => c.startsWith('vmware_soap_session='));
            if (setCookie) this.cookie = setCookie.split(';')[0];
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
            else resolve(text);
          });
        },
      );
      req.on('error', reject);
      req.end(envelope);
    });
  }

  async login(user: string, password: string): Promise<string> {
    const response = await this.call(
      `<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>${user}</userName><password>${password}</password></Login>`,
    );
    return match(response, /<key>([^<]+)<\/key>/, 'session key');
  }

  async terminateSession(sessionKey: string): Promise<void> {
    await this.call(
      `<TerminateSession xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><sessionId>${sessionKey}</sessionId></TerminateSession>`,
    );
  }

  /** moref and name of every VM, through a ContainerView on the root folder. */
  async listVms(): Promise<{ moref: string; name: string }[]> {
    const view = match(
      await this.call(
        `<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">ViewManager</_this><container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>`,
      ),
      /<returnval type="ContainerView">([^<]+)<\/returnval>/,
      'container view',
    );
    const response = await this.call(
      `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet><objectSet><obj type="ContainerView">${view}</obj><skip>true</skip><selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet><options></options></RetrievePropertiesEx>`,
    );
    const vms = [
      ...response.matchAll(/<objects><obj type="VirtualMachine">([^<]+)<\/obj>.*?<val[^>]*>([^<]*)<\/val>/g),
    ].map(([, moref, name]) => ({ moref, name }));
    return vms.sort((a, b) => a.moref.localeCompare(b.moref));
  }
}

function match(text: string, pattern: RegExp, what: string): string {
  const found = text.match(pattern);
  if (!found) throw new Error(`no ${what} in response: ${text.slice(0, 500)}`);
  return found[1];
}
