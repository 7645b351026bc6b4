import type { MouStatus } from './lifecycle';

/**
 * What every module's row of an MOU starts with: which MOU, where it stands, and the template and
 * state-law profile it is drafted under (what lifecycle rules and compliance are judged by).
 */
export interface MouRecord {
	id: string;
	title: string;
	status: MouStatus;
	templateId: string;
	templateVersion: string;
	/** The state-law profile the MOU is drafted under (templates/states). */
	stateCode: string;
	stateProfileVersion: string;
}
