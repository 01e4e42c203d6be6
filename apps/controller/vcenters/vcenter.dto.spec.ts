import type { BadRequestException } from '@nestjs/common';
import { applyTimeScale } from '@vcc/config';
import { strictValidationPipe } from '@vcc/platform';
import { UpdateVcenterDto } from './vcenter.dto';

/** The 400 answer to a PATCH body, or 'accepted'. */
async function answer(body: unknown): Promise<unknown> {
  try {
    await strictValidationPipe().transform(body, { type: 'body', metatype: UpdateVcenterDto });
    return 'accepted';
  } catch (error) {
    return (error as BadRequestException).getResponse();
  }
}

describe("the API's realtime interval rule", () => {
  afterEach(() => applyTimeScale(undefined));

  it("is vCenter's on its own clock: multiples of the 20 s samples", async () => {
    expect(await answer({ realtimeIntervalSeconds: 40 })).toBe('accepted');
    expect(await answer({ realtimeIntervalSeconds: 2 })).toMatchObject({
      fields: [
        {
          field: 'realtimeIntervalSeconds',
          problems: [
            'realtimeIntervalSeconds must be a multiple of the 20 s realtime sample interval, from 20 to 3600',
          ],
        },
      ],
    });
  });

  it('follows the time scale the controller loaded', async () => {
    applyTimeScale('10');
    expect(await answer({ realtimeIntervalSeconds: 2 })).toBe('accepted');
    expect(await answer({ realtimeIntervalSeconds: 3 })).toMatchObject({
      fields: [{ field: 'realtimeIntervalSeconds' }],
    });
  });
});
