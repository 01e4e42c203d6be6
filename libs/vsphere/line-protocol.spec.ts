import { entityTags, escapeMeasurement, escapeTag, lineHead, tagSlots } from './line-protocol';

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
    expect(tags).toBe(',clustername=C1,moid=vm-7,vmname=db\\ 1');
    const slots = tagSlots(tags);
    expect(lineHead('vsphere_vm_cpu', tags, slots, [])).toBe(
      'vsphere_vm_cpu,clustername=C1,moid=vm-7,vmname=db\\ 1',
    );
    expect(lineHead('vsphere_vm_cpu', tags, slots, [['instance', '0']])).toBe(
      'vsphere_vm_cpu,clustername=C1,instance=0,moid=vm-7,vmname=db\\ 1',
    );
    expect(lineHead('vsphere_vm_cpu', tags, slots, [['zone', 'z']])).toBe(
      'vsphere_vm_cpu,clustername=C1,moid=vm-7,vmname=db\\ 1,zone=z',
    );
    expect(
      lineHead('vsphere_vm_cpu', tags, slots, [
        ['a', '1'],
        ['n', '2'],
      ]),
    ).toBe('vsphere_vm_cpu,a=1,clustername=C1,moid=vm-7,n=2,vmname=db\\ 1');
  });

  it('finds the pairs by their unescaped "=", whatever the values hold', () => {
    const tags = entityTags({ vmname: 'a,b=c d', moid: 'vm-7' });
    expect(tagSlots(tags)).toEqual({ keys: ['moid', 'vmname'], starts: [0, 10] });
    // A key the entity has keeps its own value (a datastore's dsname beside Telegraf's datastore instance).
    expect(lineHead('m', tags, tagSlots(tags), [['moid', 'x']])).toBe(`m${tags}`);
  });
});
