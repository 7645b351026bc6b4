export default /* sql */ `
-- Threads on a suggestion (a tracked change or a term proposal): a comment thread whose root names
-- the suggestion's id instead of a selection. A suggestion has at most one shared thread and one
-- internal thread per party; replies point to their root (thread_id) as for any comment.
alter table mou_comments add column suggestion_id text
	check (suggestion_id is null or (thread_id is null and suggestion_id ~ '^[A-Za-z0-9_-]{1,64}$'));
create unique index mou_comments_suggestion_shared on mou_comments (mou_id, suggestion_id)
	where suggestion_id is not null and visibility = 'shared';
create unique index mou_comments_suggestion_internal on mou_comments (mou_id, suggestion_id, party)
	where suggestion_id is not null and visibility = 'internal';
`;
