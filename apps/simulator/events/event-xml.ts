import { dateTimeXml, escapeXml } from '../soap/xml';

export interface EntityArgument {
  name: string;
  moref: string;
}

/** The fields of an event, for its XML: Event's, then VmEvent's, then the subtype's. */
export interface EventFields {
  key: number;
  chainId: number;
  createdTime: number;
  userName: string;
  datacenter?: EntityArgument;
  computeResource?: EntityArgument;
  host?: EntityArgument;
  vm?: EntityArgument;
  ds?: EntityArgument;
  fullFormattedMessage: string;
  template: boolean;
  /** The subtype's own fields, already XML. */
  extra?: string;
}

/** `<name>…</name><datacenter type="Datacenter">datacenter-2</datacenter>` and the like. */
export function entityArgumentXml(
  tag: string,
  refTag: string,
  type: string,
  arg: EntityArgument | undefined,
): string {
  if (!arg) return '';
  return `<${tag}><name>${escapeXml(arg.name)}</name><${refTag} type="${type}">${arg.moref}</${refTag}></${tag}>`;
}

/** The XML of an event's fields in WSDL order (Event, VmEvent, subtype). */
export function eventXml(fields: EventFields): string {
  return (
    `<key>${fields.key}</key><chainId>${fields.chainId}</chainId>` +
    `<createdTime>${dateTimeXml(fields.createdTime)}</createdTime><userName>${escapeXml(fields.userName)}</userName>` +
    entityArgumentXml('datacenter', 'datacenter', 'Datacenter', fields.datacenter) +
    entityArgumentXml(
      'computeResource',
      'computeResource',
      'ClusterComputeResource',
      fields.computeResource,
    ) +
    entityArgumentXml('host', 'host', 'HostSystem', fields.host) +
    entityArgumentXml('vm', 'vm', 'VirtualMachine', fields.vm) +
    entityArgumentXml('ds', 'datastore', 'Datastore', fields.ds) +
    `<fullFormattedMessage>${escapeXml(fields.fullFormattedMessage)}</fullFormattedMessage>` +
    `<template>${fields.template}</template>${fields.extra ?? ''}`
  );
}
