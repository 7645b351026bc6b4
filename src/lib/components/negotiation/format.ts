export function compareHref(mouId: string, from: string, to: string): string {
	return `/mous/${mouId}/compare?${new URLSearchParams({ from, to })}`;
}
