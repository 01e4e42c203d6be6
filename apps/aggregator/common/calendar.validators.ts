import { registerDecorator, type ValidationArguments } from 'class-validator';

/** Chargeback periods between these years; anything else is a typo, not history. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;

function validator(
  name: string,
  message: string,
  validate: (value: unknown, args: ValidationArguments) => boolean,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message },
      validator: { validate },
    });
}

function isCalendarDay(value: unknown): boolean {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // 2026-02-30 rolls over to March: not a day of the calendar.
  return (
    year >= FIRST_YEAR && year <= LAST_YEAR && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** A calendar day, YYYY-MM-DD, from 2000 to 2099. */
export const IsCalendarDay = (): PropertyDecorator =>
  validator(
    'isCalendarDay',
    `$property must be a calendar day YYYY-MM-DD from ${FIRST_YEAR} to ${LAST_YEAR}`,
    isCalendarDay,
  );

/** A calendar month, YYYY-MM, from 2000 to 2099. */
export const IsCalendarMonth = (): PropertyDecorator =>
  validator(
    'isCalendarMonth',
    `$property must be a month YYYY-MM from ${FIRST_YEAR} to ${LAST_YEAR}`,
    (value) => typeof value === 'string' && isCalendarDay(`${value}-01`) && value.length === 7,
  );

/** A field that belongs to one value of `type` only. */
export const OnlyForType = (type: string): PropertyDecorator =>
  validator(
    'onlyForType',
    `$property is only for type ${type}`,
    (_value, args) => (args.object as { type?: unknown }).type === type,
  );

/** The period of a report or job: a calendar day when `type` is daily, a month when it is monthly. */
export const IsPeriodOfType = (): PropertyDecorator =>
  validator(
    'isPeriodOfType',
    `$property must be a calendar day YYYY-MM-DD (type daily) or a month YYYY-MM (type monthly) from ${FIRST_YEAR} to ${LAST_YEAR}`,
    (value, args) => {
      const type = (args.object as { type?: unknown }).type;
      if (type === 'daily') return isCalendarDay(value);
      return (
        type === 'monthly' && typeof value === 'string' && value.length === 7 && isCalendarDay(`${value}-01`)
      );
    },
  );
