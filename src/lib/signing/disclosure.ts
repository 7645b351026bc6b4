/**
 * The consumer disclosure every signer reads and accepts before seeing the agreement. Written for
 * MOU Studio in plain words; versioned so the audit trail can say which text a signer accepted.
 */
export const DISCLOSURE_VERSION = '2026-1';

export interface DisclosureSection {
	heading: string;
	paragraphs: string[];
}

/** `sender` is the counsel who sent the request: the person to ask for paper copies or changes. */
export function disclosureSections(sender: { name: string; email: string; organization: string }): DisclosureSection[] {
	const contact = `${sender.name} (${sender.organization}), ${sender.email}`;
	return [
		{
			heading: 'What you are agreeing to',
			paragraphs: [
				'The parties to this agreement would like to give it to you, and receive your signature, electronically instead of on paper. If you agree, the records of this signing — the agreement itself, the notices we send you and your signature — will be electronic, and your electronic signature will have the same effect as your handwritten one.',
				'Your agreement covers only this agreement and the messages about signing it.'
			]
		},
		{
			heading: 'Paper copies',
			paragraphs: [
				`You may ask for a paper copy of the agreement or of any record of this signing at any time, before or after you sign, at no charge. Ask ${contact}.`,
				'You may also print or save the agreement from your browser, and you will receive the completed agreement by email.'
			]
		},
		{
			heading: 'Changing your mind',
			paragraphs: [
				'You may withdraw your agreement to do business electronically at any time before you sign, by choosing “Decline to sign” and saying why, or by writing to the person named above.',
				'If you withdraw, this electronic signing request ends for everyone, the agreement will not be completed electronically, and the parties will need to arrange another way — usually on paper — for it to be signed. Withdrawing does not undo a signature you have already given.'
			]
		},
		{
			heading: 'Keeping your contact details current',
			paragraphs: [
				`The signing link and one-time codes are sent to the email address the parties gave for you. If it changes, or is wrong, tell ${contact}; they will send a new request to the right address.`
			]
		},
		{
			heading: 'What you need',
			paragraphs: [
				'A device with a current web browser (a recent version of Chrome, Edge, Firefox or Safari) with cookies allowed for this site, access to the email address this request was sent to, and a way to keep a copy: a printer, or storage and a program that opens web pages or Word documents (.docx).',
				'To draw your signature you need a mouse, touch screen or pen; you can type your signature instead, using only the keyboard.'
			]
		}
	];
}

/** The statement the signer makes by checking the box before signing. */
export const INTENT_STATEMENT =
	'I have read the agreement above. By selecting “Sign the agreement” I adopt the signature shown as my own and intend to sign this agreement electronically, with the same effect as a handwritten signature, on behalf of the party named.';

export const CONSENT_STATEMENT = 'I have read this disclosure and agree to receive and sign this agreement electronically.';
