import { escapeXml, morefXml, type Moref } from './xml';

/**
 * A vim25 fault as vCenter sends it: the fault type (detail element `<TypeFault xsi:type="Type">`),
 * the faultstring, and the fault's own fields as inner XML. The factories use vCenter's messages.
 */
export class VimFault extends Error {
  constructor(
    readonly faultType: string,
    message: string,
    readonly detailXml = '',
  ) {
    super(message);
  }

  static notAuthenticated(object: Moref): VimFault {
    return new VimFault(
      'NotAuthenticated',
      'The session is not authenticated.',
      `${morefXml('object', object)}<privilegeId>System.View</privilegeId>`,
    );
  }

  static invalidLogin(): VimFault {
    return new VimFault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.');
  }

  static invalidArgument(property: string): VimFault {
    return new VimFault(
      'InvalidArgument',
      `A specified parameter was not correct: ${property}`,
      `<invalidProperty>${escapeXml(property)}</invalidProperty>`,
    );
  }

  static invalidProperty(name: string): VimFault {
    return new VimFault(
      'InvalidProperty',
      `A specified parameter was not correct: ${name}`,
      `<name>${escapeXml(name)}</name>`,
    );
  }

  static managedObjectNotFound(obj: Moref): VimFault {
    return new VimFault(
      'ManagedObjectNotFound',
      `The object 'vim.${obj.type}:${obj.value}' has already been deleted or has not been completely created`,
      morefXml('obj', obj),
    );
  }

  /** What vCenter 6.5+ answers when a historical QueryPerf asks for more than maxQueryMetrics. */
  static restrictedByAdministrator(details: string): VimFault {
    return new VimFault(
      'RestrictedByAdministrator',
      `This operation is restricted by the administrator - '${details}'. Contact your system administrator.`,
      `<details>${escapeXml(details)}</details>`,
    );
  }

  static invalidName(name: string): VimFault {
    return new VimFault('InvalidName', `The name '${name}' is not valid.`, `<name>${escapeXml(name)}</name>`);
  }

  static notFound(): VimFault {
    return new VimFault('NotFound', 'The object or item referred to could not be found.');
  }

  static notImplemented(): VimFault {
    return new VimFault('NotImplemented', 'The requested operation is not implemented by the server.');
  }

  static systemError(reason: string): VimFault {
    return new VimFault(
      'SystemError',
      `A general system error occurred: ${reason}`,
      `<reason>${escapeXml(reason)}</reason>`,
    );
  }

  static invalidRequest(message: string): VimFault {
    return new VimFault('InvalidRequest', message);
  }
}
