/**
 * The MOU's lifecycle, in one place: its statuses, the transitions between them, when its text
 * may change and how the live document treats a change, and who may do what in which status.
 * Pure and dependency-free: the server enforces these rules (form actions, endpoints, the
 * websocket, and the database trigger that mirrors `isEditable`); the browser only reflects them.
 */

/**
 * - `draft`: one party drafts; the other has not joined yet.
 * - `negotiating`: both parties are in; every change is a tracked suggestion.
 * - `agreed`: both parties approved the same text; it is frozen and can be sent for signature.
 * - `signing`: a signing request is out.
 * - `signed`: every signer signed; the review cycle runs from here.
 * - `terminated`: ended; nothing more happens to it.
 */
export type MouStatus = 'draft' | 'negotiating' | 'agreed' | 'signing' | 'signed' | 'terminated';

export const MOU_STATUSES: readonly MouStatus[] = ['draft', 'negotiating', 'agreed', 'signing', 'signed', 'terminated'];

/** A new MOU is a draft; an annual-review draft starts negotiating (both parties are in from the start). */
export const INITIAL_STATUSES: readonly MouStatus[] = ['draft', 'negotiating'];

/** Every status change the app makes. No route ends an MOU yet, so nothing leads to `terminated`. */
export const TRANSITIONS: Readonly<Record<MouStatus, readonly MouStatus[]>> = {
	// The other party accepts the invitation.
	draft: ['negotiating'],
	// Both parties approve the same stored text.
	negotiating: ['agreed'],
	// Counsel sends the agreed text for signature.
	agreed: ['signing'],
	// The last signature completes it; voiding, a decline or expiry returns it to agreed.
	signing: ['signed', 'agreed'],
	signed: [],
	terminated: []
};

export function canTransition(from: MouStatus, to: MouStatus): boolean {
	return TRANSITIONS[from].includes(to);
}

/** Statuses in which the text may still change (migration 0008's trigger holds the same list). */
export const EDITABLE_STATUSES: readonly MouStatus[] = ['draft', 'negotiating'];

export function isEditable(status: MouStatus): boolean {
	return EDITABLE_STATUSES.includes(status);
}

/**
 * How the live document takes a change: `direct` while one party drafts, `tracked` while both
 * negotiate (every change a suggestion), `frozen` otherwise — including an unknown status or a
 * missing MOU, so that nothing is written by mistake.
 */
export type DocumentMode = 'direct' | 'tracked' | 'frozen';

export function documentMode(status: string | null): DocumentMode {
	if (status === 'draft') return 'direct';
	if (status === 'negotiating') return 'tracked';
	return 'frozen';
}

/** A member's role in their organization: counsel drafts and negotiates, signatories sign, viewers read. */
export type Role = 'counsel' | 'signatory' | 'viewer';

/** Whoever acts: their role, and whether they administer their organization. */
export interface Person {
	role: Role;
	isAdmin: boolean;
}

/** What a person of a party may ask to do with an MOU. */
export type Action =
	| 'createMou'
	| 'inviteParty'
	| 'changeStateProfile'
	| 'acceptPartyInvitation'
	| 'edit'
	| 'comment'
	| 'decide'
	| 'discussSuggestion'
	| 'sendRound'
	| 'approve'
	| 'withdrawApproval'
	| 'sendForSignature'
	| 'voidSigning'
	| 'readAuditTrail'
	| 'startReview'
	| 'confirmReview'
	| 'recordReviewStep'
	| 'publish'
	| 'moderatePublicComments'
	| 'scheduleReminders'
	| 'readSignerContacts';

/** What the rules need to know about the MOU. */
export interface MouFacts {
	status: MouStatus;
	/** The other party has joined (only inviting depends on it). */
	otherPartyJoined?: boolean;
}

interface Rule {
	who: (person: Person) => boolean;
	when: (mou: MouFacts) => boolean;
}

const counsel = (p: Person) => p.role === 'counsel';
const counselOrAdmin = (p: Person) => p.role === 'counsel' || p.isAdmin;
const always = () => true;
const inStatus =
	(...statuses: MouStatus[]) =>
	(m: MouFacts) =>
		statuses.includes(m.status);

const RULES: Record<Action, Rule> = {
	createMou: { who: counselOrAdmin, when: always },
	inviteParty: { who: counselOrAdmin, when: (m) => !m.otherPartyJoined },
	// The district's state chooses the profile; it may change until negotiation starts (issue 14 §1).
	changeStateProfile: { who: counsel, when: inStatus('draft') },
	acceptPartyInvitation: { who: counselOrAdmin, when: inStatus('draft') },
	edit: { who: counsel, when: (m) => isEditable(m.status) },
	// Viewers only read; internal threads stay within a party. Once agreed the text is final, so the
	// discussion of it closes too.
	comment: { who: (p) => p.role === 'counsel' || p.role === 'signatory', when: (m) => isEditable(m.status) },
	decide: { who: counsel, when: inStatus('negotiating') },
	// A suggestion's thread is between the counsel who negotiate it; it closes with the negotiation.
	discussSuggestion: { who: counsel, when: inStatus('negotiating') },
	sendRound: { who: counsel, when: inStatus('negotiating') },
	approve: { who: counsel, when: inStatus('negotiating') },
	withdrawApproval: { who: counsel, when: inStatus('negotiating') },
	sendForSignature: { who: counsel, when: inStatus('agreed') },
	voidSigning: { who: counsel, when: inStatus('signing') },
	readAuditTrail: { who: counsel, when: always },
	startReview: { who: counsel, when: inStatus('signed') },
	confirmReview: { who: counsel, when: inStatus('signed') },
	// The review record (notice, input, data, adoption): counsel of either party, while it runs.
	recordReviewStep: { who: counsel, when: inStatus('signed') },
	// The public page and its comments are the district's (the server checks the party).
	publish: { who: counselOrAdmin, when: inStatus('signed') },
	moderatePublicComments: { who: counselOrAdmin, when: inStatus('signed') },
	scheduleReminders: { who: (p) => p.isAdmin, when: (m) => m.status !== 'terminated' },
	// Signers' addresses and why mail to them failed: for those who send and manage the request.
	readSignerContacts: { who: counselOrAdmin, when: always }
};

/**
 * Whether `person` may do `action`: by their role alone when no MOU is given (the server then
 * checks the MOU's state itself, to say precisely why not), or by role and the MOU's state.
 */
export function can(person: Person, action: Action, mou?: MouFacts): boolean {
	const rule = RULES[action];
	return rule.who(person) && (mou === undefined || rule.when(mou));
}
