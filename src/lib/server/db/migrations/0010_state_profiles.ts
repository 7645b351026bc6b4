// Each MOU names the state-law profile it is drafted under (templates/states/<code>/<version>),
// chosen at creation and changeable while one party drafts. Existing MOUs have none.
export default /* sql */ `
alter table mous add column state_code text not null default 'none'
	check (state_code in ('none', 'il', 'wa', 'va'));
alter table mous add column state_profile_version text not null default '2026.1'
	check (state_profile_version ~ '^[0-9]{4}\\.[0-9]+$');
`;
