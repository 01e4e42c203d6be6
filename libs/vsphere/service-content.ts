import type { MoRef } from './soap/vim-decoder';

/** The parts of vCenter's ServiceContent vcc uses (vim.ServiceInstanceContent). */
export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager?: MoRef;
  setting?: MoRef;
  sessionManager?: MoRef;
  perfManager?: MoRef;
  eventManager?: MoRef;
  about: {
    name: string;
    fullName: string;
    version: string;
    build: string;
    apiType: string;
    apiVersion: string;
    instanceUuid?: string;
  };
}

export const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };
