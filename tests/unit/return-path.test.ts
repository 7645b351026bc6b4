import { describe, expect, it } from 'vitest';
import { returnPath } from '../../src/lib/server/auth/return-path';

const site = new URL('https://mou.example.org/login?redirectTo=x');

describe('the page signing in returns to', () => {
	it('is the page asked for when it is on this site', () => {
		expect(returnPath('/mous/123?tab=history#clause-4', site)).toBe('/mous/123?tab=history#clause-4');
		expect(returnPath('/org', site)).toBe('/org');
	});

	it('is home for anything that would leave the site, as a browser reads it', () => {
		for (const target of [
			'//evil.example',
			'/\\evil.example/phish',
			'\\\\evil.example',
			'/\t/evil.example',
			'/\n/evil.example',
			'https://evil.example/',
			'javascript:alert(1)',
			'mous'
		])
			expect(returnPath(target, site), JSON.stringify(target)).toBe('/mous');
		expect(returnPath(null, site)).toBe('/mous');
		expect(returnPath('', site)).toBe('/mous');
	});
});
