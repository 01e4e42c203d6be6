import {
  BOOLEAN,
  INT,
  MISSING,
  MOREF,
  OPTION_VALUE,
  STRING,
  arrayOf,
  compilePath,
  dataType,
  field,
  writeValue,
} from './vim-types';

interface Vm {
  name: string;
  host: string;
  config?: { numCpu: number; template: boolean; disks: number[]; extraConfig: [string, string][] };
}

const hardware = dataType<NonNullable<Vm['config']>>('VirtualHardware', [
  field('numCPU', INT, (c) => c.numCpu),
  field(
    'device',
    arrayOf(
      (_item: number) => dataType<number>('VirtualDisk', [field('key', INT, (k) => k)]),
      'VirtualDevice',
    ),
    (c) => c.disks,
    'VirtualDevice',
  ),
]);
const config = dataType<NonNullable<Vm['config']>>('VirtualMachineConfigInfo', [
  field('template', BOOLEAN, (c) => c.template),
  field('hardware', hardware, (c) => c),
  field('extraConfig', arrayOf(OPTION_VALUE), (c) => c.extraConfig),
]);
const vmType = dataType<Vm>('VirtualMachine', [
  field('name', STRING, (vm) => vm.name),
  field('host', MOREF, (vm) => ({ type: 'HostSystem', value: vm.host })),
  field('config', config, (vm) => vm.config),
]);

describe('property paths', () => {
  const vm: Vm = {
    name: 'a<b',
    host: 'host-9',
    config: {
      numCpu: 4,
      template: false,
      disks: [2000, 2001],
      extraConfig: [
        ['govcsim', 'TRUE'],
        ['cloud.uuid', 'f487ba71'],
      ],
    },
  };

  it('reads nested properties and writes them with xsi:type, as property values are', () => {
    const path = compilePath(vmType, 'config.hardware.numCPU')!;
    expect(path.write(path.read(vm))).toBe('<val xsi:type="xsd:int">4</val>');
    const name = compilePath(vmType, 'name')!;
    expect(name.write(name.read(vm))).toBe('<val xsi:type="xsd:string">a&lt;b</val>');
  });

  it('writes a data object with its fields, and subtypes in polymorphic fields with their xsi:type', () => {
    const path = compilePath(vmType, 'config.hardware')!;
    expect(path.write(path.read(vm))).toBe(
      '<val xsi:type="VirtualHardware"><numCPU>4</numCPU><device xsi:type="VirtualDisk"><key>2000</key></device><device xsi:type="VirtualDisk"><key>2001</key></device></val>',
    );
  });

  it('tells an unset property (undefined) from one behind an unset property (MISSING)', () => {
    const creating: Vm = { name: 'new', host: 'host-9' };
    expect(compilePath(vmType, 'config')!.read(creating)).toBeUndefined();
    expect(compilePath(vmType, 'config.hardware.numCPU')!.read(creating)).toBe(MISSING);
  });

  it('picks one element of an array by its key, as vCenter does for config.extraConfig["cloud.uuid"]', () => {
    const path = compilePath(vmType, 'config.extraConfig["cloud.uuid"]')!;
    expect(path.write(path.read(vm))).toBe(
      '<val xsi:type="OptionValue"><key>cloud.uuid</key><value xsi:type="xsd:string">f487ba71</value></val>',
    );
    expect(compilePath(vmType, 'config.extraConfig["cloud.uuid"].value')!.read(vm)).toBe('f487ba71');
    // A key no element has is unset, not an error; behind an unset config it is MISSING.
    expect(compilePath(vmType, 'config.extraConfig["nope"]')!.read(vm)).toBeUndefined();
    expect(
      compilePath(vmType, 'config.extraConfig["cloud.uuid"]')!.read({ name: 'new', host: 'host-9' }),
    ).toBe(MISSING);
  });

  it('refuses an index on what is not an array of keyed data objects, and malformed paths', () => {
    expect(compilePath(vmType, 'config.template["a"]')).toBeUndefined();
    expect(compilePath(vmType, 'config.hardware.device[2000]')).toBeUndefined();
    expect(compilePath(vmType, 'config.extraConfig["a"')).toBeUndefined();
    expect(compilePath(vmType, 'config.')).toBeUndefined();
    expect(compilePath(vmType, '')).toBeUndefined();
  });

  it('knows no path outside the schema', () => {
    expect(compilePath(vmType, 'config.nope')).toBeUndefined();
    expect(compilePath(vmType, 'name.length')).toBeUndefined();
  });

  it('wraps arrays as ArrayOf… with typed items when they are property values', () => {
    expect(writeValue('val', arrayOf(MOREF), [{ type: 'Datastore', value: 'datastore-5' }], true)).toBe(
      '<val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore" xsi:type="ManagedObjectReference">datastore-5</ManagedObjectReference></val>',
    );
  });
});
