import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const user = locals.user;
	return {
		user: user && {
			name: user.name,
			organizationName: user.organizationName,
			organizationKind: user.organizationKind,
			role: user.role,
			isAdmin: user.isAdmin,
			email: user.email,
			emailVerified: user.emailVerified
		},
		// Pages about an MOU or a signing request return their own `zone` (the district's), which wins.
		zone: user?.timeZone ?? 'UTC'
	};
};
