import type { Sql } from '$lib/server/db';
import type { DocumentRules } from '$lib/server/collab';
import { mouTemplate, type MouTemplateRef } from '$lib/server/profiles';
import { termShapeProblem } from '$lib/templates/terms';
import type { TemplateTerm } from '$lib/templates/types';

/**
 * What the live document of an MOU may hold, from the template it was made from: the shape each
 * fill-in term's declared type gives it, and which clauses a draft may put back (the unlocked ones).
 */
export async function collabDocumentRules(sql: Sql, mouId: string): Promise<DocumentRules> {
	const [row] = await sql<MouTemplateRef[]>`
		select template_id as "templateId", template_version as "templateVersion",
			state_code as "stateCode", state_profile_version as "stateProfileVersion"
		from mous where id = ${mouId}`;
	if (!row) return { termProblem: () => null, restorableClause: () => null };
	const template = mouTemplate(row);
	const terms = new Map<string, TemplateTerm>(template.terms.map((term) => [term.key, term]));
	const clauses = new Map(template.sections.flatMap((section) => section.clauses).map((clause) => [clause.id, clause]));
	return {
		termProblem(key, value) {
			const term = terms.get(key);
			return term ? termShapeProblem(term, value) : null;
		},
		restorableClause(clauseId) {
			const clause = clauses.get(clauseId);
			if (!clause || clause.level === 'required') return null;
			return { level: clause.level, nasro: clause.nasro.join(' ') };
		}
	};
}
