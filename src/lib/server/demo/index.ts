export { seedDemo, demoCredentials, DEMO_PASSWORD, DEMO_ORGANIZATIONS } from './seed';
