import accounts from './0001_accounts';
import mous from './0002_mous';
import outboxClaims from './0003_outbox_claims';
import negotiation from './0004_negotiation';
import signing from './0005_signing';
import reminders from './0006_reminders';
import exportDocs from './0007_exports';
import frozenSqlstate from './0008_frozen_sqlstate';
import signingIdentity from './0009_signing_identity';
import stateProfiles from './0010_state_profiles';
import reviewRecords from './0011_review_records';
import publication from './0012_publication';
import contractReminders from './0013_contract_reminders';
import accountTrust from './0013_account_trust';
import suggestionThreads from './0014_suggestion_threads';
import visitsNotifications from './0015_visits_notifications';
import decisionCount from './0016_decision_count';

/** Applied in this order, each once, at start. Append; never edit a shipped one. */
export const migrations: { id: string; sql: string }[] = [
	{ id: '0001_accounts', sql: accounts },
	{ id: '0002_mous', sql: mous },
	{ id: '0003_outbox_claims', sql: outboxClaims },
	{ id: '0004_negotiation', sql: negotiation },
	{ id: '0005_signing', sql: signing },
	{ id: '0006_reminders', sql: reminders },
	{ id: '0007_exports', sql: exportDocs },
	{ id: '0008_frozen_sqlstate', sql: frozenSqlstate },
	{ id: '0009_signing_identity', sql: signingIdentity },
	{ id: '0010_state_profiles', sql: stateProfiles },
	{ id: '0011_review_records', sql: reviewRecords },
	{ id: '0012_publication', sql: publication },
	{ id: '0013_contract_reminders', sql: contractReminders },
	{ id: '0013_account_trust', sql: accountTrust },
	{ id: '0014_suggestion_threads', sql: suggestionThreads },
	{ id: '0015_visits_notifications', sql: visitsNotifications },
	{ id: '0016_decision_count', sql: decisionCount }
];
