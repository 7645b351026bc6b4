/** Formatting for bench/collab-load.ts: tables and numbers. */
import type { LoadResult } from './collab-load-run';

export function printTable(header: string[], rows: string[][]): void {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
	const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   ');
	console.log(line(header));
	for (const row of rows) console.log(line(row));
}

export function perUpdate(result: LoadResult, total: number | null, digits: number): string {
	return total === null ? '?' : (total / Math.max(1, result.updates)).toFixed(digits);
}

export function generatorPercent(result: LoadResult): string {
	return ((result.generatorCpuMicros / 1000 / result.elapsedMs) * 100).toFixed(0);
}

export function median(values: number[]): number {
	const sorted = [...values].sort((x, y) => x - y);
	return sorted[Math.floor(sorted.length / 2)];
}

export function ms(value: number): string {
	return Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '–';
}
export function kb(bytes: number): string {
	return (bytes / 1024).toFixed(0);
}
export function mb(bytes: number): string {
	return (bytes / 1024 / 1024).toFixed(2);
}
export function ratio(x: number, y: number): string {
	return Number.isFinite(x / y) ? `${(x / y).toFixed(2)}×` : '–';
}
export function verdict(met: boolean): string {
	return met ? 'MET' : 'MISSED';
}
