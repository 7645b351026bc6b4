import { describe, expect, it } from 'vitest';
import { formatDay, formatWhen, pickZone } from '../../src/lib/dates';
import { describeDetail } from '../../src/lib/server/signing/certificate';
import { endOfDayIn } from '../../src/lib/server/signing/dates';
import { mouZone } from '../../src/lib/mou/zone';

describe('one date format, in the district’s zone', () => {
	it('writes an instant with its day, time and zone', () => {
		const end = endOfDayIn('2026-12-16', 'America/Chicago');
		expect(formatWhen(end, 'America/Chicago')).toBe('December 16, 2026 at 11:59 PM CST');
		expect(formatWhen(end.toISOString(), 'America/New_York')).toBe('December 17, 2026 at 12:59 AM EST');
		expect(formatWhen(null, 'UTC')).toBe('—');
		expect(formatWhen('not a time', 'UTC')).toBe('not a time');
	});

	it('writes a calendar day as it is, and an instant as its day in the zone', () => {
		expect(formatDay('2027-08-01')).toBe('August 1, 2027');
		expect(formatDay(new Date('2026-12-17T05:59:59Z'), 'America/Chicago')).toBe('December 16, 2026');
	});

	it('falls back to UTC for a zone the runtime does not know', () => {
		expect(pickZone('Mars/Olympus', undefined)).toBe('UTC');
		expect(formatWhen('2026-12-17T05:59:59Z', 'Mars/Olympus')).toBe('December 17, 2026 at 5:59 AM UTC');
	});

	it('reads an MOU in the district’s zone, else the reader’s', () => {
		const agency = { side: 'agency', timeZone: 'America/New_York' };
		expect(mouZone([agency, { side: 'district', timeZone: 'America/Chicago' }], 'America/Denver')).toBe('America/Chicago');
		expect(mouZone([agency], 'America/Denver')).toBe('America/Denver');
	});

	it('writes the audit trail’s expiry as the status page does, not as a bare UTC day', () => {
		const expiresAt = endOfDayIn('2026-12-16', 'America/Chicago').toISOString();
		const detail = describeDetail({ kind: 'prepared', detail: { signers: [{}, {}], routing: 'sequential', expiresAt } } as never, 'America/Chicago');
		expect(detail).toBe('2 signers, sequential order, expires December 16, 2026 at 11:59 PM CST');
	});
});
