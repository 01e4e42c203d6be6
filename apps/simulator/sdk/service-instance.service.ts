import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import { ROOT_FOLDER } from '../inventory/inventory.model';
import { ObjectDirectory } from '../property-collector/object-directory.service';
import {
  DATE_TIME,
  MOREF,
  STRING,
  dataType,
  dataXml,
  field,
  type DataType,
} from '../property-collector/vim-types';
import { dateTimeXml } from '../soap/xml';
import type { VimMethod, VimMethods } from './vim-method';

export const API_VERSION = '7.0.3.0';

const ABOUT = dataType<{ instanceUuid: string }>('AboutInfo', [
  field('name', STRING, () => 'VMware vCenter Server'),
  field('fullName', STRING, () => 'VMware vCenter Server 7.0.3 build-19480866'),
  field('vendor', STRING, () => 'VMware, Inc.'),
  field('version', STRING, () => '7.0.3'),
  field('build', STRING, () => '19480866'),
  field('localeVersion', STRING, () => 'INTL'),
  field('localeBuild', STRING, () => '000'),
  field('osType', STRING, () => 'linux-x64'),
  field('productLineId', STRING, () => 'vpx'),
  field('apiType', STRING, () => 'VirtualCenter'),
  field('apiVersion', STRING, () => API_VERSION),
  field('instanceUuid', STRING, (about) => about.instanceUuid),
  field('licenseProductName', STRING, () => 'VMware VirtualCenter Server'),
  field('licenseProductVersion', STRING, () => '7.0'),
]);

// The ServiceContent of a vCenter 7, in WSDL order. vcc's client relies on the names of the
// managers it uses; the others are listed so that clients that look them up find them.
const MANAGERS: [field: string, type: string, value: string][] = [
  ['setting', 'OptionManager', 'VpxSettings'],
  ['userDirectory', 'UserDirectory', 'UserDirectory'],
  ['sessionManager', 'SessionManager', 'SessionManager'],
  ['authorizationManager', 'AuthorizationManager', 'AuthorizationManager'],
  ['serviceManager', 'ServiceManager', 'ServiceMgr'],
  ['perfManager', 'PerformanceManager', 'PerfMgr'],
  ['scheduledTaskManager', 'ScheduledTaskManager', 'ScheduledTaskManager'],
  ['alarmManager', 'AlarmManager', 'AlarmManager'],
  ['eventManager', 'EventManager', 'EventManager'],
  ['taskManager', 'TaskManager', 'TaskManager'],
  ['extensionManager', 'ExtensionManager', 'ExtensionManager'],
  ['customizationSpecManager', 'CustomizationSpecManager', 'CustomizationSpecManager'],
  ['customFieldsManager', 'CustomFieldsManager', 'CustomFieldsManager'],
  ['diagnosticManager', 'DiagnosticManager', 'DiagMgr'],
  ['licenseManager', 'LicenseManager', 'LicenseManager'],
  ['searchIndex', 'SearchIndex', 'SearchIndex'],
  ['fileManager', 'FileManager', 'FileManager'],
  ['datastoreNamespaceManager', 'DatastoreNamespaceManager', 'DatastoreNamespaceManager'],
  ['virtualDiskManager', 'VirtualDiskManager', 'virtualDiskManager'],
  ['snmpSystem', 'HostSnmpSystem', 'SnmpSystem'],
  ['vmProvisioningChecker', 'VirtualMachineProvisioningChecker', 'ProvChecker'],
  ['vmCompatibilityChecker', 'VirtualMachineCompatibilityChecker', 'CompatChecker'],
  ['ovfManager', 'OvfManager', 'OvfManager'],
  ['ipPoolManager', 'IpPoolManager', 'IpPoolManager'],
  ['dvSwitchManager', 'DistributedVirtualSwitchManager', 'DVSManager'],
  ['hostProfileManager', 'HostProfileManager', 'HostProfileManager'],
  ['clusterProfileManager', 'ClusterProfileManager', 'ClusterProfileManager'],
  ['complianceManager', 'ProfileComplianceManager', 'MoComplianceManager'],
  ['localizationManager', 'LocalizationManager', 'LocalizationManager'],
  ['storageResourceManager', 'StorageResourceManager', 'StorageResourceManager'],
  ['guestOperationsManager', 'GuestOperationsManager', 'guestOperationsManager'],
  ['overheadMemoryManager', 'OverheadMemoryManager', 'OverheadMemoryManager'],
  ['certificateManager', 'CertificateManager', 'certificateManager'],
  ['ioFilterManager', 'IoFilterManager', 'IoFilterManager'],
];

const SERVICE_CONTENT: DataType = dataType<{ instanceUuid: string }>('ServiceContent', [
  field('rootFolder', MOREF, () => ({ type: 'Folder', value: ROOT_FOLDER })),
  field('propertyCollector', MOREF, () => ({ type: 'PropertyCollector', value: 'propertyCollector' })),
  field('viewManager', MOREF, () => ({ type: 'ViewManager', value: 'ViewManager' })),
  field('about', ABOUT, (about) => about),
  ...MANAGERS.map(([name, type, value]) => field(name, MOREF, () => ({ type, value }))),
]);

/** ServiceInstance: the entry point, RetrieveServiceContent and CurrentTime work without a session. */
@Injectable()
export class ServiceInstanceService implements VimMethods {
  private readonly contentXml: string;

  constructor(config: SimulatorConfig, directory: ObjectDirectory) {
    // Stable per seed, like a vCenter's instance UUID.
    const hex = createHash('sha256').update(`vcc-simulator-${config.inventory.seed}`).digest('hex');
    const about = {
      instanceUuid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
    };
    this.contentXml = `<returnval>${dataXml(SERVICE_CONTENT, about)}</returnval>`;
    const schema = dataType<undefined>('ServiceInstance', [
      field('content', SERVICE_CONTENT, () => about),
      field('serverClock', DATE_TIME, () => Date.now()),
    ]);
    directory.register('ServiceInstance', 'ServiceInstance', () => ({ schema, record: undefined }));
  }

  methods(): Record<string, VimMethod> {
    return {
      RetrieveServiceContent: () => this.contentXml,
      CurrentTime: () => `<returnval>${dateTimeXml(Date.now())}</returnval>`,
    };
  }
}
