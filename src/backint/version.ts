/** Our identity in #SOFTWAREID and -v. */
export const AGENT_ID = 'hana-vdb hana-backint 0.1.0';
/** The newest Backint interface version we implement (adds creation times to inquire). */
export const BACKINT_VERSION = 'backint 1.50';
