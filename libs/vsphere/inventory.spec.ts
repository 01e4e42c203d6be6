import { buildInventory, vmManagement } from './inventory';
import type { ObjectContent } from './property-collector';

const SRM = { extensionKey: 'com.vmware.vcDr', type: 'placeholderVm' };
const VCD = { extensionKey: 'com.vmware.vcloud', type: 'vm' };
const cloudUuid = (value: string) => ({ _type: 'OptionValue', key: 'cloud.uuid', value });

describe('vmManagement', () => {
  it("marks SRM's placeholders, under the default extension key and a custom plug-in id", () => {
    expect(vmManagement(SRM, undefined)).toEqual({ srmPlaceholder: true, cloudId: null });
    expect(vmManagement({ ...SRM, extensionKey: 'com.vmware.vcDr-site-b' }, undefined).srmPlaceholder).toBe(
      true,
    );
  });

  it('does not mark what SRM manages that is not a placeholder, nor another extension using the type', () => {
    expect(vmManagement({ ...SRM, type: 'testVm' }, undefined).srmPlaceholder).toBe(false);
    expect(vmManagement({ extensionKey: 'com.vmware.vcDrx', type: 'placeholderVm' }, undefined)).toEqual({
      srmPlaceholder: false,
      cloudId: null,
    });
  });

  it('takes the vCD id from cloud.uuid only while vCloud Director manages the VM', () => {
    expect(vmManagement(VCD, cloudUuid('f487ba71-058a-47a9-9e9a-def458c63fd5'))).toEqual({
      srmPlaceholder: false,
      cloudId: 'f487ba71-058a-47a9-9e9a-def458c63fd5',
    });
    expect(vmManagement(undefined, cloudUuid('f487ba71-058a-47a9-9e9a-def458c63fd5')).cloudId).toBeNull();
    expect(vmManagement(VCD, undefined).cloudId).toBeNull();
    expect(vmManagement(VCD, cloudUuid('')).cloudId).toBeNull();
  });
});

describe('buildInventory', () => {
  const vm = (value: string, props: Record<string, unknown>): ObjectContent => ({
    obj: { type: 'VirtualMachine', value },
    props: { name: value, 'runtime.powerState': 'poweredOff', ...props },
    missing: [],
  });

  it('puts the SRM placeholder flag and the vCD id on the VM rows, false and null where vCenter has neither', () => {
    const { vms } = buildInventory([
      vm('vm-1', { 'config.managedBy': SRM }),
      vm('vm-2', { 'config.managedBy': VCD, 'config.extraConfig["cloud.uuid"]': cloudUuid('u-2') }),
      vm('vm-3', {}),
    ]);
    expect(vms.map(({ moref, srmPlaceholder, cloudId }) => ({ moref, srmPlaceholder, cloudId }))).toEqual([
      { moref: 'vm-1', srmPlaceholder: true, cloudId: null },
      { moref: 'vm-2', srmPlaceholder: false, cloudId: 'u-2' },
      { moref: 'vm-3', srmPlaceholder: false, cloudId: null },
    ]);
  });
});
