// strong-soap ships no types; this declares the little of it that vim-soap.client.ts uses.
declare module 'strong-soap' {
  interface QName {
    nsURI: string;
    name: string;
  }
  interface Descriptor {
    qname?: QName;
    type?: QName;
    isMany?: boolean;
    isSimple?: boolean;
    elements: Descriptor[];
  }
  interface SchemaItem {
    describe(definitions: unknown): Descriptor;
  }
  interface Schema {
    complexTypes: Record<string, SchemaItem>;
    elements: Record<string, SchemaItem>;
  }
  interface Definitions {
    schemas: Record<string, Schema>;
  }
  type Operation = (
    args: Record<string, unknown>,
    options?: Record<string, unknown>,
    extraHeaders?: Record<string, string>,
  ) => Promise<{ result: unknown }>;
  export interface Client {
    wsdl: { definitions: Definitions };
    lastResponseHeaders?: Record<string, string | string[] | undefined>;
    setEndpoint(url: string): void;
    setSOAPAction(action: string): void;
    [operation: string]: unknown;
  }
  export const soap: {
    createClient(
      wsdl: string,
      options: Record<string, unknown>,
      callback: (error: Error | null, client: Client) => void,
    ): void;
  };
}
