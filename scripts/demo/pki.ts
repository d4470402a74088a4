/**
 * The demo API's CA and server certificate, kept in a folder of the cache across starts: made once,
 * reused while both are valid for another day, made again only when a file is missing, unreadable
 * or (nearly) expired. Credentials a user made against the demo API trust this CA, so a restart
 * must not change it.
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KeyPairPem, serverCaAndCertificate } from '../../test/servers/certs';

export interface DemoPki {
	/** The CA's certificate; its key is not kept (nothing is signed with it after the start that made it). */
	caCert: string;
	server: KeyPairPem;
	/** Whether this start made them (false: read from the folder). */
	made: boolean;
}

/** Ten years: a demo CA that a user's credentials trust should not run out under them. */
const VALID_DAYS = 3650;
const MARGIN_MS = 86_400_000;

const FILES = { caCert: 'ca.pem', serverCert: 'server.pem', serverKey: 'server-key.pem' } as const;

function validFor(certPem: string, now: number): boolean {
	const cert = new X509Certificate(certPem);
	return Date.parse(cert.validFrom) <= now && Date.parse(cert.validTo) > now + MARGIN_MS;
}

function read(folder: string, now: number): Omit<DemoPki, 'made'> | undefined {
	try {
		const file = (name: string) => readFileSync(join(folder, name), 'utf8');
		const pki = { caCert: file(FILES.caCert), server: { cert: file(FILES.serverCert), key: file(FILES.serverKey) } };
		const signedByCa = new X509Certificate(pki.server.cert).verify(new X509Certificate(pki.caCert).publicKey);
		return signedByCa && validFor(pki.caCert, now) && validFor(pki.server.cert, now) ? pki : undefined;
	} catch {
		return undefined;
	}
}

export async function demoPki(folder: string, now = Date.now()): Promise<DemoPki> {
	const kept = read(folder, now);
	if (kept) return { ...kept, made: false };
	const { ca, server } = await serverCaAndCertificate('n8n-nodes-api-auth Demo CA', VALID_DAYS);
	mkdirSync(folder, { recursive: true, mode: 0o700 });
	writeFileSync(join(folder, FILES.caCert), ca.cert);
	writeFileSync(join(folder, FILES.serverCert), server.cert);
	writeFileSync(join(folder, FILES.serverKey), server.key, { mode: 0o600 });
	return { caCert: ca.cert, server, made: true };
}
