import { describe, expect, it } from 'vitest';
import {
	can,
	canTransition,
	documentMode,
	INITIAL_STATUSES,
	isEditable,
	MOU_STATUSES,
	type Action,
	type MouStatus,
	type Person
} from '../../src/lib/mou/lifecycle';

const people: Record<string, Person> = {
	counsel: { role: 'counsel', isAdmin: false },
	'counsel (admin)': { role: 'counsel', isAdmin: true },
	signatory: { role: 'signatory', isAdmin: false },
	'signatory (admin)': { role: 'signatory', isAdmin: true },
	viewer: { role: 'viewer', isAdmin: false },
	'viewer (admin)': { role: 'viewer', isAdmin: true }
};

const ALL = MOU_STATUSES;
const COUNSEL = ['counsel', 'counsel (admin)'];
const COUNSEL_OR_ADMIN = ['counsel', 'counsel (admin)', 'signatory (admin)', 'viewer (admin)'];

/** Who may do what, and in which statuses — the product's rules, written out as a table. */
const expected: Record<Action, { who: string[]; when: readonly MouStatus[] }> = {
	createMou: { who: COUNSEL_OR_ADMIN, when: ALL },
	inviteParty: { who: COUNSEL_OR_ADMIN, when: ALL },
	changeStateProfile: { who: COUNSEL, when: ['draft'] },
	acceptPartyInvitation: { who: COUNSEL_OR_ADMIN, when: ['draft'] },
	edit: { who: COUNSEL, when: ['draft', 'negotiating'] },
	comment: { who: ['counsel', 'counsel (admin)', 'signatory', 'signatory (admin)'], when: ['draft', 'negotiating'] },
	decide: { who: COUNSEL, when: ['negotiating'] },
	discussSuggestion: { who: COUNSEL, when: ['negotiating'] },
	sendRound: { who: COUNSEL, when: ['negotiating'] },
	approve: { who: COUNSEL, when: ['negotiating'] },
	withdrawApproval: { who: COUNSEL, when: ['negotiating'] },
	sendForSignature: { who: COUNSEL, when: ['agreed'] },
	voidSigning: { who: COUNSEL, when: ['signing'] },
	readAuditTrail: { who: COUNSEL, when: ALL },
	startReview: { who: COUNSEL, when: ['signed'] },
	confirmReview: { who: COUNSEL, when: ['signed'] },
	recordReviewStep: { who: COUNSEL, when: ['signed'] },
	publish: { who: COUNSEL_OR_ADMIN, when: ['signed'] },
	moderatePublicComments: { who: COUNSEL_OR_ADMIN, when: ['signed'] },
	scheduleReminders: { who: ['counsel (admin)', 'signatory (admin)', 'viewer (admin)'], when: ['draft', 'negotiating', 'agreed', 'signing', 'signed'] },
	readSignerContacts: { who: COUNSEL_OR_ADMIN, when: ALL }
};

describe('MOU statuses', () => {
	it('move only along the lifecycle: join, agree, send, then sign or back to agreed', () => {
		const allowed = ALL.flatMap((from) => ALL.filter((to) => canTransition(from, to)).map((to) => `${from} → ${to}`));
		expect(allowed).toEqual(['draft → negotiating', 'negotiating → agreed', 'agreed → signing', 'signing → agreed', 'signing → signed']);
	});

	it('start as a draft, or negotiating for a review draft', () => {
		expect(INITIAL_STATUSES).toEqual(['draft', 'negotiating']);
	});

	it('let the text change only while drafting or negotiating', () => {
		expect(ALL.filter(isEditable)).toEqual(['draft', 'negotiating']);
	});

	it('give the live document direct edits while drafting, tracked ones while negotiating, and freeze it otherwise', () => {
		expect(Object.fromEntries(ALL.map((s) => [s, documentMode(s)]))).toEqual({
			draft: 'direct',
			negotiating: 'tracked',
			agreed: 'frozen',
			signing: 'frozen',
			signed: 'frozen',
			terminated: 'frozen'
		});
		expect(documentMode(null)).toBe('frozen');
		expect(documentMode('archived')).toBe('frozen');
	});
});

describe('can', () => {
	for (const [action, rule] of Object.entries(expected) as [Action, (typeof expected)[Action]][]) {
		it(`${action}: ${rule.who.join(', ')} — in ${rule.when.length === ALL.length ? 'every status' : rule.when.join(', ')}`, () => {
			for (const [name, person] of Object.entries(people)) {
				const byRole = rule.who.includes(name);
				expect(can(person, action), `${name} by role`).toBe(byRole);
				for (const status of ALL) {
					expect(can(person, action, { status }), `${name} in ${status}`).toBe(byRole && rule.when.includes(status));
				}
			}
		});
	}

	it('inviteParty: only until the other party has joined', () => {
		for (const status of ALL) {
			expect(can(people.counsel, 'inviteParty', { status, otherPartyJoined: false })).toBe(true);
			expect(can(people.counsel, 'inviteParty', { status, otherPartyJoined: true })).toBe(false);
			expect(can(people['viewer (admin)'], 'inviteParty', { status, otherPartyJoined: true })).toBe(false);
		}
	});
});
