/** All SQL of the signing module, one file per concern. */
export * from './people';
export * from './requests';
export * from './ceremony';
export * from './messages';
export * from './audit';
