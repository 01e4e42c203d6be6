import { Watermarks } from './watermarks';

describe('Watermarks.writtenUpTo', () => {
  it('is unknown before the first window, then the backfill start, then what the sinks acknowledged', () => {
    const marks = new Watermarks();
    expect(marks.writtenUpTo('vm-1')).toBeUndefined();
    marks.start('vm-1', 1000);
    expect(marks.writtenUpTo('vm-1')).toBe(1000);
    marks.queue('vm-1', 1100);
    expect(marks.writtenUpTo('vm-1')).toBe(1000); // queued is not written
    marks.ack('vm-1', 1100);
    expect(marks.writtenUpTo('vm-1')).toBe(1100);
    marks.start('vm-1', 900); // a later window never moves the first start
    expect(marks.settled('vm-1')).toBe(1000);
  });

  it('counts a loss as settled, except while lines below it wait in the writer', () => {
    const marks = new Watermarks();
    marks.ack('vm-1', 1000);
    marks.queue('vm-1', 1100);
    marks.lose('vm-1', 1500); // the sink stayed down past vCenter's retention
    expect(marks.settled('vm-1')).toBe(1500);
    // Killed now, the collector would lose 1000–1100 uncounted: the next owner must start at 1000.
    expect(marks.writtenUpTo('vm-1')).toBe(1000);
    marks.ack('vm-1', 1100);
    expect(marks.writtenUpTo('vm-1')).toBe(1500);
  });
});
