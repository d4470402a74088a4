import type { Icon } from 'n8n-workflow';

/** Paths are relative to the built credential file (dist/credentials/). */
export const credentialIcon: Icon = { light: 'file:icons/apiAuth.svg', dark: 'file:icons/apiAuth.dark.svg' };
