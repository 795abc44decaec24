declare const AVDSEC_VERSION: string | undefined;

/** The product version, set by the bundler from package.json. */
export const VERSION: string = typeof AVDSEC_VERSION === 'string' ? AVDSEC_VERSION : '0.0.0-dev';
