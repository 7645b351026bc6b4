export { formatWhen, formatDay, isValidTimeZone, pickZone } from './format';
export { provideZone, useDates } from './zone';
