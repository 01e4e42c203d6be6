import { parseSoapRequest } from './soap-request';
import { VimFault } from './vim-fault.error';

describe('parseSoapRequest', () => {
  it('reads strong-soap style prefixes and a prefixed xsi:type', () => {
    const { method, args } = parseSoapRequest(
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/><soap:Body><ns1:RetrievePropertiesEx xmlns:ns1="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns2="urn:vim25"><ns1:_this type="PropertyCollector">propertyCollector</ns1:_this><ns1:specSet><ns1:objectSet><ns1:obj type="ContainerView">session[1]2</ns1:obj><ns1:selectSet xsi:type="ns2:TraversalSpec"><ns1:path>view</ns1:path></ns1:selectSet></ns1:objectSet></ns1:specSet></ns1:RetrievePropertiesEx></soap:Body></soap:Envelope>`,
    );
    expect(method).toBe('RetrievePropertiesEx');
    expect(args.child('_this')?.attrs.type).toBe('PropertyCollector');
    const selectSet = args.child('specSet')!.child('objectSet')!.child('selectSet')!;
    expect(selectSet.xsiType).toBe('TraversalSpec');
    expect(selectSet.value('path')).toBe('view');
  });

  it('reads pyVmomi style default namespaces and its own xsi prefix', () => {
    const { method, args } = parseSoapRequest(
      `<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><QueryPerf xmlns="urn:vim25"><_this type="PerformanceManager">PerfMgr</_this><querySpec XMLSchema-instance:type="PerfQuerySpec"><entity type="VirtualMachine">vm-1</entity></querySpec></QueryPerf></soapenv:Body></soapenv:Envelope>`,
    );
    expect(method).toBe('QueryPerf');
    expect(args.child('querySpec')?.xsiType).toBe('PerfQuerySpec');
    expect(args.child('querySpec')?.value('entity')).toBe('vm-1');
  });

  it('does not take a type attribute in another namespace for xsi:type', () => {
    const { args } = parseSoapRequest(
      `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:o="urn:other"><e:Body><M xmlns="urn:vim25"><a o:type="X">1</a></M></e:Body></e:Envelope>`,
    );
    expect(args.child('a')?.xsiType).toBeUndefined();
  });

  it('answers malformed XML and envelopes without a method with InvalidRequest', () => {
    for (const body of ['<Envelope><Body><Login>', 'not xml', '<a/>']) {
      expect(() => parseSoapRequest(body)).toThrow(VimFault);
      try {
        parseSoapRequest(body);
      } catch (error) {
        expect((error as VimFault).faultType).toBe('InvalidRequest');
      }
    }
  });
});
