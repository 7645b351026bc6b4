import { describe, expect, test } from 'vitest';
import { currentDuePoint, defaultSchedule, nextDuePoint, pointsBefore, type ReminderSchedule } from '../../src/lib/server/reminders/schedule';
import { addMonths, daysBetween, isIsoDate, isTimeZone, localDate, zonedInstant, zoneOrUtc } from '../../src/lib/server/reminders/time';
import { checkReviewTerms, checkScheduleSettings, reviewIntervalProblem } from '../../src/lib/server/reminders/validation';

const iso = (d: Date) => d.toISOString();

describe('the morning in the district’s time zone', () => {
	test('8:00 in Chicago is 14:00 UTC in winter and 13:00 UTC in summer, across the March change', () => {
		// 2028: daylight saving time starts on Sunday 12 March at 2:00 in the United States.
		expect(iso(zonedInstant('2028-03-11', 8, 'America/Chicago'))).toBe('2028-03-11T14:00:00.000Z');
		expect(iso(zonedInstant('2028-03-12', 8, 'America/Chicago'))).toBe('2028-03-12T13:00:00.000Z');
	});

	test('and back across the November change', () => {
		// It ends on Sunday 5 November 2028 at 2:00.
		expect(iso(zonedInstant('2028-11-04', 8, 'America/Chicago'))).toBe('2028-11-04T13:00:00.000Z');
		expect(iso(zonedInstant('2028-11-05', 8, 'America/Chicago'))).toBe('2028-11-05T14:00:00.000Z');
	});

	test('other zones: London (BST from 26 March 2028), Kolkata (+5:30), Sydney (southern summer ends 2 April 2028)', () => {
		expect(iso(zonedInstant('2028-03-25', 8, 'Europe/London'))).toBe('2028-03-25T08:00:00.000Z');
		expect(iso(zonedInstant('2028-03-26', 8, 'Europe/London'))).toBe('2028-03-26T07:00:00.000Z');
		expect(iso(zonedInstant('2028-08-01', 8, 'Asia/Kolkata'))).toBe('2028-08-01T02:30:00.000Z');
		expect(iso(zonedInstant('2028-04-01', 8, 'Australia/Sydney'))).toBe('2028-03-31T21:00:00.000Z');
		expect(iso(zonedInstant('2028-04-02', 8, 'Australia/Sydney'))).toBe('2028-04-01T22:00:00.000Z');
		expect(iso(zonedInstant('2028-08-01', 8, 'UTC'))).toBe('2028-08-01T08:00:00.000Z');
	});

	test('an hour the clocks skip lands just after the gap; an hour they repeat is its first occurrence', () => {
		expect(iso(zonedInstant('2028-03-12', 2, 'America/Chicago'))).toBe('2028-03-12T08:00:00.000Z'); // 3:00 CDT
		expect(iso(zonedInstant('2028-11-05', 1, 'America/Chicago'))).toBe('2028-11-05T06:00:00.000Z'); // 1:00 CDT
	});

	test('the calendar day of an instant is the zone’s', () => {
		expect(localDate(new Date('2028-08-01T04:30:00Z'), 'America/Chicago')).toBe('2028-07-31');
		expect(localDate(new Date('2028-08-01T04:30:00Z'), 'Asia/Tokyo')).toBe('2028-08-01');
	});
});

describe('calendar arithmetic', () => {
	test('months keep the day, or the month’s last day', () => {
		expect(addMonths('2028-08-01', 12)).toBe('2029-08-01');
		expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
		expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
		expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
		expect(addMonths('2027-11-15', 60)).toBe('2032-11-15');
		expect(daysBetween('2028-07-02', '2028-08-01')).toBe(30);
		expect(daysBetween('2028-08-08', '2028-08-01')).toBe(-7);
	});

	test('dates and zones are checked for real', () => {
		expect(isIsoDate('2028-02-29')).toBe(true);
		expect(isIsoDate('2027-02-29')).toBe(false);
		expect(isIsoDate('2027-13-01')).toBe(false);
		expect(isTimeZone('America/Chicago')).toBe(true);
		expect(isTimeZone('Etc/GMT+5')).toBe(true);
		expect(isTimeZone('UTC')).toBe(true);
		expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
		expect(isTimeZone('EST')).toBe(false);
		expect(isTimeZone('')).toBe(false);
		expect(zoneOrUtc('Nowhere/Land', 'America/Denver')).toBe('America/Denver');
		expect(zoneOrUtc(null, 'Nowhere/Land')).toBe('UTC');
	});
});

describe('due points', () => {
	const chicago = defaultSchedule('America/Chicago');
	const dueOn = '2028-08-01';

	test('the defaults: 60, 30, 14, 7 days before and on the day, at 8:00 in the district', () => {
		expect(pointsBefore(chicago, dueOn).map((p) => [p.key, p.date, iso(p.sendAt)])).toEqual([
			['before:60', '2028-06-02', '2028-06-02T13:00:00.000Z'],
			['before:30', '2028-07-02', '2028-07-02T13:00:00.000Z'],
			['before:14', '2028-07-18', '2028-07-18T13:00:00.000Z'],
			['before:7', '2028-07-25', '2028-07-25T13:00:00.000Z'],
			['before:0', '2028-08-01', '2028-08-01T13:00:00.000Z']
		]);
	});

	test('a point comes at its hour, not a minute earlier', () => {
		expect(currentDuePoint(chicago, dueOn, new Date('2028-06-02T12:59:59Z'))).toBeNull();
		expect(currentDuePoint(chicago, dueOn, new Date('2028-06-02T13:00:00Z'))?.key).toBe('before:60');
		expect(currentDuePoint(chicago, dueOn, new Date('2028-06-05T23:00:00Z'))?.key).toBe('before:60');
		expect(currentDuePoint(chicago, dueOn, new Date('2028-07-02T13:00:00Z'))?.key).toBe('before:30');
	});

	test('weekly while overdue, from a week after the due date', () => {
		expect(currentDuePoint(chicago, dueOn, new Date('2028-08-08T12:59:00Z'))?.key).toBe('before:0');
		expect(currentDuePoint(chicago, dueOn, new Date('2028-08-08T13:00:00Z'))?.key).toBe('overdue:7');
		expect(currentDuePoint(chicago, dueOn, new Date('2028-08-14T23:00:00Z'))?.key).toBe('overdue:7');
		expect(currentDuePoint(chicago, dueOn, new Date('2028-08-15T13:00:00Z'))?.key).toBe('overdue:14');
		// Across the November change the hour stays 8:00 local.
		const november = currentDuePoint(chicago, dueOn, new Date('2028-11-07T14:00:00Z'))!;
		expect([november.key, iso(november.sendAt)]).toEqual(['overdue:98', '2028-11-07T14:00:00.000Z']);
	});

	test('without overdue repeats the last reminder is the one on the day', () => {
		const once: ReminderSchedule = { ...chicago, overdueEveryDays: null };
		expect(currentDuePoint(once, dueOn, new Date('2028-08-05T00:00:00Z'))?.key).toBe('before:0');
		expect(currentDuePoint(once, dueOn, new Date('2029-01-01T00:00:00Z'))).toBeNull();
		expect(nextDuePoint(once, dueOn, new Date('2029-01-01T00:00:00Z'))).toBeNull();
	});

	test('a point missed by more than a week is stale: the next one will come', () => {
		// The app was down from before the 60-day point until 40 days before the due date.
		expect(currentDuePoint(chicago, dueOn, new Date('2028-06-09T12:59:00Z'))?.key).toBe('before:60');
		expect(currentDuePoint(chicago, dueOn, new Date('2028-06-22T13:00:00Z'))).toBeNull();
		expect(currentDuePoint(chicago, dueOn, new Date('2028-07-02T13:00:00Z'))?.key).toBe('before:30');
	});

	test('moving a clock hour by hour through the year gives each point once, in order, at 8:00 local', () => {
		const seen: { key: string; at: string; local: string }[] = [];
		const start = Date.parse('2028-05-01T00:00:00Z');
		for (let t = start; t < Date.parse('2028-08-20T00:00:00Z'); t += 3_600_000) {
			const point = currentDuePoint(chicago, dueOn, new Date(t));
			if (point && seen.at(-1)?.key !== point.key) {
				seen.push({
					key: point.key,
					at: new Date(t).toISOString(),
					local: new Date(t).toLocaleTimeString('en-US', { timeZone: 'America/Chicago', hour: '2-digit', hourCycle: 'h23' })
				});
			}
		}
		expect(seen.map((s) => s.key)).toEqual(['before:60', 'before:30', 'before:14', 'before:7', 'before:0', 'overdue:7', 'overdue:14']);
		expect(new Set(seen.map((s) => s.local))).toEqual(new Set(['08']));
	});

	test('the next reminder, for the review page', () => {
		expect(nextDuePoint(chicago, dueOn, new Date('2028-05-01T00:00:00Z'))?.key).toBe('before:60');
		expect(nextDuePoint(chicago, dueOn, new Date('2028-08-01T13:00:00Z'))?.key).toBe('overdue:7');
		expect(nextDuePoint(chicago, dueOn, new Date('2028-08-09T00:00:00Z'))?.key).toBe('overdue:14');
	});

	test('a custom schedule: 45 and 10 days, hour 7, in Honolulu', () => {
		const custom: ReminderSchedule = { daysBefore: [10, 45], overdueEveryDays: 14, sendHour: 7, timeZone: 'Pacific/Honolulu' };
		expect(pointsBefore(custom, dueOn).map((p) => [p.key, iso(p.sendAt)])).toEqual([
			['before:45', '2028-06-17T17:00:00.000Z'],
			['before:10', '2028-07-22T17:00:00.000Z']
		]);
		expect(currentDuePoint(custom, dueOn, new Date('2028-08-15T17:00:00Z'))?.key).toBe('overdue:14');
	});
});

describe('validation', () => {
	test('review intervals are 1 to 60 whole months', () => {
		expect(reviewIntervalProblem('12')).toBeNull();
		expect(reviewIntervalProblem(60)).toBeNull();
		expect(reviewIntervalProblem('0')).toMatch(/at least 1 month/);
		expect(reviewIntervalProblem('-12')).toMatch(/at least 1 month/);
		expect(reviewIntervalProblem('61')).toMatch(/at most 60/);
		expect(reviewIntervalProblem('1.5')).toMatch(/whole number/);
		expect(reviewIntervalProblem('twelve')).toMatch(/whole number/);
	});

	test('the effective date is a real date and not after the expiry', () => {
		expect(checkReviewTerms({ effectiveDate: '2027-08-01', reviewIntervalMonths: '12', expiresOn: '2028-07-31' })).toEqual({
			ok: true,
			value: { effectiveDate: '2027-08-01', reviewIntervalMonths: 12, expiresOn: '2028-07-31' }
		});
		const late = checkReviewTerms({ effectiveDate: '2028-08-01', reviewIntervalMonths: '12', expiresOn: '2028-07-31' });
		expect(late.ok).toBe(false);
		if (!late.ok) expect(late.errors.effectiveDate).toMatch(/cannot be after the MOU expires \(2028-07-31\)/);
		const bad = checkReviewTerms({ effectiveDate: '2027-02-30', reviewIntervalMonths: '0' });
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['effectiveDate', 'reviewIntervalMonths']);
	});

	test('schedule settings: days listed, repeats, hour and a real zone, each problem on its field', () => {
		expect(checkScheduleSettings({ daysBefore: '60, 30 14;7 0 30', overdueEveryDays: '7', sendHour: '8', timeZone: 'America/Chicago' })).toEqual({
			ok: true,
			value: { daysBefore: [60, 30, 14, 7, 0], overdueEveryDays: 7, sendHour: 8, timeZone: 'America/Chicago' }
		});
		expect(checkScheduleSettings({ daysBefore: '30', overdueEveryDays: '', sendHour: '9', timeZone: '' })).toEqual({
			ok: true,
			value: { daysBefore: [30], overdueEveryDays: null, sendHour: 9, timeZone: null }
		});
		const bad = checkScheduleSettings({ daysBefore: '60, -3', overdueEveryDays: '0', sendHour: '24', timeZone: 'Springfield/Time' });
		expect(bad).toEqual({
			ok: false,
			errors: {
				daysBefore: expect.stringMatching(/“-3” is not a whole number/),
				overdueEveryDays: expect.stringMatching(/every 1 to 90 days/),
				sendHour: expect.stringMatching(/0 \(midnight\) to 23/),
				timeZone: expect.stringMatching(/not an IANA time zone/)
			}
		});
		expect(checkScheduleSettings({ daysBefore: '', overdueEveryDays: '7', sendHour: '8', timeZone: '' }).ok).toBe(false);
		expect(checkScheduleSettings({ daysBefore: '400', overdueEveryDays: '7', sendHour: '8', timeZone: '' }).ok).toBe(false);
	});
});
