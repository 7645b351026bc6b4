/**
 * The public side of a signed MOU: its public page (/p/<slug>, no sign-in), publishing and
 * unpublishing it (the district), and public comments during its review (confirmed by email,
 * moderated by the district, read by counsel of both parties in the review workspace).
 */
export { publishMou, unpublishMou, publicationStatus, type PublicationStatus } from './publish';
export {
	loadPublicPage,
	submitPublicComment,
	confirmPublicComment,
	commentsToModerate,
	moderatePublicComment,
	acceptedPublicComments,
	isPublished,
	MAX_COMMENT_CHARS,
	COMMENTS_PER_EMAIL_PER_DAY,
	COMMENTS_PER_IP_PER_DAY,
	type PublicPage,
	type CommentInput
} from './public';
export type { PublicComment } from './store';
