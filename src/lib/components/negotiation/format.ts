/** Short dates for the negotiation bar and panels ("14 Feb", "14 Feb 2027, 3:05 PM"). */
const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const dayTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' });

export function shortDay(value: Date | string): string {
	return day.format(new Date(value));
}

export function when(value: Date | string): string {
	return dayTime.format(new Date(value));
}

export function compareHref(mouId: string, from: string, to: string): string {
	return `/mous/${mouId}/compare?${new URLSearchParams({ from, to })}`;
}
