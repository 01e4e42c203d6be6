import { entityTags, escapeMeasurement, escapeTag, lineHead } from './line-protocol';

describe('line protocol escaping', () => {
  it('escapes commas and spaces in measurements but not equals signs', () => {
    expect(escapeMeasurement('vsphere vm,cpu=x')).toBe('vsphere\\ vm\\,cpu=x');
  });

  it('escapes commas, equals signs, spaces and backslashes in tags', () => {
    expect(escapeTag('web 01,a=b\\')).toBe('web\\ 01\\,a\\=b\\\\');
    expect(escapeTag('plain-name_01')).toBe('plain-name_01');
  });

  it('renders tags sorted, drops empty ones and slots the instance in order', () => {
    const tags = entityTags({ vmname: 'db 1', moid: 'vm-7', clustername: 'C1', rpname: null, dcname: '' });
    expect(tags).toEqual({ beforeInstance: ',clustername=C1', afterInstance: ',moid=vm-7,vmname=db\\ 1' });
    expect(lineHead('vsphere_vm_cpu', tags, '')).toBe(
      'vsphere_vm_cpu,clustername=C1,moid=vm-7,vmname=db\\ 1',
    );
    expect(lineHead('vsphere_vm_cpu', tags, '0')).toBe(
      'vsphere_vm_cpu,clustername=C1,instance=0,moid=vm-7,vmname=db\\ 1',
    );
  });
});
