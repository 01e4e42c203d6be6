import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * vCenter's realtime clock, and the test setting that runs it faster.
 *
 * vCenter samples VMs and hosts every 20 s, and vcc's rules follow that clock: a realtime cycle is
 * a whole number of samples, and a realtime retention holds at least a few of them. The e2e tests
 * set `VCC_TEST_TIME_SCALE=10` for every app they start, and `loadConfig` divides that clock by it:
 * the simulator samples every 2 s, the controller accepts realtime intervals that are multiples of
 * 2 s, the collector accepts a realtime retention down to 6 s. Nothing else changes, because the
 * cycle, window, backfill and lease maths already follow the vCenter's refresh rate and the
 * assignment's interval: the fault tests run the production code ten times faster. Unset, the
 * scale is 1 and every default and check is vCenter's own.
 */
export const TIME_SCALE_ENV = 'VCC_TEST_TIME_SCALE';

/** vCenter's realtime sample interval (QueryPerfProviderSummary.refreshRate) for VMs and hosts. */
export const VCENTER_REALTIME_SAMPLE_SECONDS = 20;

/** The scales that divide vCenter's 20 s into whole seconds, as vim25's refreshRate is. */
export const TIME_SCALES = [1, 2, 4, 5, 10, 20] as const;

let timeScale = 1;

/**
 * Sets this process's time scale from the text of $VCC_TEST_TIME_SCALE (unset: 1). Returns the
 * problem with the value, if any, and then leaves the scale at 1.
 */
export function applyTimeScale(text: string | undefined): string | undefined {
  timeScale = 1;
  if (text === undefined) return undefined;
  const scale = Number(text);
  if (!(TIME_SCALES as readonly number[]).includes(scale))
    return `${TIME_SCALE_ENV}: must be one of ${TIME_SCALES.join(', ')} (a divisor of vCenter's ${VCENTER_REALTIME_SAMPLE_SECONDS} s realtime interval); got ${JSON.stringify(text)}`;
  timeScale = scale;
  return undefined;
}

/** `seconds` of vCenter's clock on this process's clock: a multiple of 20 s stays whole. */
export function scaledSeconds(seconds: number): number {
  return seconds / timeScale;
}

/** The realtime sample interval: 20 s, or 20 s divided by the test time scale. */
export function realtimeSampleSeconds(): number {
  return scaledSeconds(VCENTER_REALTIME_SAMPLE_SECONDS);
}

/**
 * A realtime cycle in seconds: a whole number of realtime samples, from one sample up to `maxSeconds`.
 * The sample interval is read when a value is checked, so it follows the time scale.
 */
export function IsRealtimeInterval(maxSeconds: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRealtimeInterval',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be a multiple of the ${realtimeSampleSeconds()} s realtime sample interval, from ${realtimeSampleSeconds()} to ${maxSeconds}`,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' &&
          value >= realtimeSampleSeconds() &&
          value <= maxSeconds &&
          value % realtimeSampleSeconds() === 0,
      },
    });
}

/** At least `seconds` of vCenter's clock, divided by the test time scale when it is set. */
export function MinScaledSeconds(seconds: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'minScaledSeconds',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must not be less than ${scaledSeconds(seconds)}`,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'number' && value >= scaledSeconds(seconds),
      },
    });
}
