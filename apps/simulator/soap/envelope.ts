import { ByteWriter } from './byte-writer';
import { escapeXml } from './xml';
import type { VimFault } from './vim-fault.error';

// vCenter's envelope, byte for byte in its namespace declarations: clients that look up xsi and
// xsd by prefix (and strong-soap's WSDL handling) see what they would see from a real vCenter.
const START =
  '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<soapenv:Body>\n';
const END = '\n</soapenv:Body>\n</soapenv:Envelope>';

/** `<MethodResponse xmlns="urn:vim25">returnval…</MethodResponse>` in an envelope. */
export function responseEnvelope(method: string, returnval: string): string {
  return `${START}<${method}Response xmlns="urn:vim25">${returnval}</${method}Response>${END}`;
}

/** A writer for a large response, the envelope's start already written; `finish` closes it. */
export class ResponseWriter extends ByteWriter {
  constructor(
    private readonly method: string,
    expectedBytes: number,
  ) {
    super(expectedBytes + 512);
    this.text(`${START}<${method}Response xmlns="urn:vim25">`);
  }

  finish(): Buffer {
    this.text(`</${this.method}Response>${END}`);
    return this.result();
  }
}

/** A ServerFaultCode fault with the vim25 fault in its detail, sent with HTTP 500. */
export function faultEnvelope(fault: VimFault): string {
  const type = fault.faultType;
  return (
    `${START}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${escapeXml(fault.message)}</faultstring>` +
    `<detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}">${fault.detailXml}</${type}Fault></detail></soapenv:Fault>${END}`
  );
}
