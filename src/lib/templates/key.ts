/** What an MOU's template, checklist and state profile depend on: the same key, the same data. */
export function templateKey(mou: { templateId: string; templateVersion: string; stateCode: string; stateProfileVersion: string }): string {
	return `${mou.templateId}@${mou.templateVersion}/${mou.stateCode}@${mou.stateProfileVersion}`;
}
