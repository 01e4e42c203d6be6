import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { strictValidationPipe } from '@vcc/platform';
import { EventBatchDto, EventDto } from './event.dto';

const pipe = strictValidationPipe();
const metadata = { type: 'body', metatype: EventBatchDto } as const;

function event(key: number): Record<string, unknown> {
  return {
    key,
    chainId: key,
    type: 'VmPoweredOnEvent',
    createdTime: '2026-01-01T00:00:00Z',
    vm: { moref: `vm-${key}`, name: `app-${key}` },
    fields: { template: false, host: { type: 'HostSystem', value: 'host-1' } },
  };
}

/** The fields a 400 names for the body, or [] when it passes. */
async function rejected(body: unknown): Promise<string[]> {
  try {
    await pipe.transform(body, metadata);
    return [];
  } catch (error) {
    if (!(error instanceof BadRequestException)) throw error;
    return (error.getResponse() as { fields: { field: string }[] }).fields.map((f) => f.field);
  }
}

describe('EventBatchDto through the validation pipe', () => {
  it('gives the parsed batch and its events their classes, values untouched', async () => {
    const body = { vcenter: 'vc1', events: [event(1), event(2)] };
    const copy = structuredClone(body);
    const batch = (await pipe.transform(body, metadata)) as EventBatchDto;
    expect(batch).toBeInstanceOf(EventBatchDto);
    expect(batch.events.every((e) => e instanceof EventDto)).toBe(true);
    expect(JSON.parse(JSON.stringify(batch))).toEqual(copy);
  });

  it('names each bad field by its path, as class-validator finds it', async () => {
    expect(
      await rejected({
        vcenter: 'vc1',
        events: [
          event(1),
          { ...event(2), key: -1, createdTime: 'now', extra: 1 },
          { ...event(3), vm: { moref: 5 } },
        ],
      }),
    ).toEqual(['events.1.extra', 'events.1.key', 'events.1.createdTime', 'events.2.vm']);
    expect(await rejected({ vcenter: 'vc1', events: [event(1), 7, null, [event(2)]] })).toEqual([
      'events.1',
      'events.2',
      'events.3.0',
    ]);
    expect(await rejected({ vcenter: '', events: { 0: event(1) } })).toEqual(
      expect.arrayContaining(['vcenter', 'events']),
    );
    expect(await rejected({ vcenter: 'vc1', events: [], other: true })).toEqual(['other']);
  });
});
