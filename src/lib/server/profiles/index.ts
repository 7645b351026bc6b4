/**
 * The published state-law profiles (templates/states/<code>/<version>/profile.json) and the
 * template an MOU is judged against: its template version with its profile applied.
 */
import { applyProfile, appliesTo } from '../../profiles/apply';
import type { StateCode, StateProfile } from '../../profiles/types';
import type { Template } from '../../templates/types';
import { loadChecklist, loadTemplate, publishedVersions } from '../templates';
import { templateKey } from '../../templates/key';
export { assessStoredDraft, assessStoredMou } from './readiness';
export { reapplyTemplate, type ReapplyReport } from './reapply';
export { upgradedStart, type UpgradeReport } from './upgrade';
// Static imports so the files travel in the Vite/SSR bundle and load under tsx alike.
import none2026_1 from '../../../../templates/states/none/2026.1/profile.json';
import il2026_1 from '../../../../templates/states/il/2026.1/profile.json';
import wa2026_1 from '../../../../templates/states/wa/2026.1/profile.json';
import va2026_1 from '../../../../templates/states/va/2026.1/profile.json';
// 2027.1: the same law, naming template sro-mou@2027.1's clause ids and terms.
import none2027_1 from '../../../../templates/states/none/2027.1/profile.json';
import il2027_1 from '../../../../templates/states/il/2027.1/profile.json';
import wa2027_1 from '../../../../templates/states/wa/2027.1/profile.json';
import va2027_1 from '../../../../templates/states/va/2027.1/profile.json';

/** Every published profile version; a new version is a new folder plus one line here. */
const PROFILES: StateProfile[] = [none2026_1, il2026_1, wa2026_1, va2026_1, none2027_1, il2027_1, wa2027_1, va2027_1].map((p) => deepFreeze(p as StateProfile));

export const STATE_CODES: readonly StateCode[] = ['none', 'il', 'wa', 'va'];

export function isStateCode(value: unknown): value is StateCode {
	return typeof value === 'string' && (STATE_CODES as readonly string[]).includes(value);
}

export function allProfiles(): readonly StateProfile[] {
	return PROFILES;
}

/** One profile version; throws for an unknown one (the database only holds published ones). */
export function loadProfile(code: string, version: string): StateProfile {
	const found = PROFILES.find((p) => p.code === code && p.version === version);
	if (!found) throw new Error(`Unknown state profile ${code}@${version}`);
	return found;
}

/** The newest version of a state's profile that applies to the template, or null. */
export function currentProfile(code: StateCode, template: Pick<Template, 'id' | 'version'>): StateProfile | null {
	return PROFILES.filter((p) => p.code === code && appliesTo(p, template)).sort((a, b) => b.version.localeCompare(a.version))[0] ?? null;
}

/** The states a new draft of `template` can be made under, for the creation form. */
export function profileChoices(template: Pick<Template, 'id' | 'version'>) {
	return STATE_CODES.map((code) => currentProfile(code, template))
		.filter((p): p is StateProfile => p !== null)
		.map((p) => ({
			code: p.code,
			version: p.version,
			name: p.name,
			basis: p.citations[0] ? `${p.citations[0].cite}${p.inForceFrom ? `, as in force from ${p.inForceFrom}` : ''}` : 'NASRO’s standards alone'
		}));
}

/** What an MOU row says about its template and state. */
export interface MouTemplateRef {
	templateId: string;
	templateVersion: string;
	stateCode: string;
	stateProfileVersion: string;
}

export function mouProfile(mou: MouTemplateRef): StateProfile {
	return loadProfile(mou.stateCode, mou.stateProfileVersion);
}

/** What the MOU page's editor judges the draft with, under the key it never changes for. */
export function templateData(mou: MouTemplateRef) {
	return { key: templateKey(mou), template: mouTemplate(mou), profile: mouProfile(mou), checklist: loadChecklist(mou.templateId, mou.templateVersion) };
}

const templateJsonByKey = new Map<string, string>();

/**
 * `templateData` as JSON text, made once per key (published versions never change). The page
 * sends it as one string: serializing the 65 KB of objects for the page's data on every
 * request took longer than all its queries.
 */
export function templateDataJson(mou: MouTemplateRef): string {
	const key = templateKey(mou);
	let text = templateJsonByKey.get(key);
	if (text === undefined) templateJsonByKey.set(key, (text = JSON.stringify(templateData(mou))));
	return text;
}

/** Makes `templateDataJson` for every published template version and profile that applies to it (at start). */
export function prepareTemplateData(): void {
	for (const template of publishedVersions()) {
		for (const profile of PROFILES) {
			if (!appliesTo(profile, template)) continue;
			templateDataJson({ templateId: template.id, templateVersion: template.version, stateCode: profile.code, stateProfileVersion: profile.version });
		}
	}
}

/** The template the MOU's draft started from and is judged against: its version with its profile applied. */
export function mouTemplate(mou: MouTemplateRef): Template {
	return applyProfile(loadTemplate(mou.templateId, mou.templateVersion), mouProfile(mou));
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}
