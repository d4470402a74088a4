/**
 * Certificates generated for the tests, in memory: a server CA with a certificate for 127.0.0.1
 * and localhost, a client CA with a client certificate (mTLS), a second unrelated CA, and an
 * encrypted copy of the client key. EC P-256 keys via Node's WebCrypto: fast to make.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as never);

type KeyPair = { publicKey: never; privateKey: never };

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface KeyPairPem {
	cert: string;
	key: string;
}

export interface TestPki {
	ca: KeyPairPem;
	server: KeyPairPem;
	clientCa: KeyPairPem;
	client: KeyPairPem;
	/** A client certificate from a CA the server does not trust. */
	strangerClient: KeyPairPem;
	/** The client key encrypted with CLIENT_KEY_PASSPHRASE. */
	clientKeyEncrypted: string;
	/** A CA unrelated to the server certificate. */
	otherCa: KeyPairPem;
	/** A CA with the server CA's name but another key: it did not sign the server certificate. */
	impostorCa: KeyPairPem;
}

export const CLIENT_KEY_PASSPHRASE = 'pass-phrase-for-client-key-Qx7';

async function keyPem(keys: KeyPair): Promise<string> {
	const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
	return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

let serial = 1;

const DAY_MS = 86_400_000;

async function makeCa(name: string, validDays = 30): Promise<{ pem: KeyPairPem; keys: KeyPair; cert: x509.X509Certificate }> {
	const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as KeyPair;
	const cert = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: (serial++).toString(16).padStart(2, '0'),
		name: `CN=${name}`,
		notBefore: new Date(Date.now() - DAY_MS),
		notAfter: new Date(Date.now() + validDays * DAY_MS),
		keys,
		signingAlgorithm: ALG,
		extensions: [
			new x509.BasicConstraintsExtension(true, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
		],
	});
	return { pem: { cert: cert.toString('pem'), key: await keyPem(keys) }, keys, cert };
}

async function issue(
	ca: { keys: KeyPair; cert: x509.X509Certificate },
	name: string,
	usage: 'server' | 'client',
	validDays = 30,
): Promise<KeyPairPem> {
	const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as KeyPair;
	const extensions: x509.Extension[] = [
		new x509.BasicConstraintsExtension(false, undefined, true),
		new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
	];
	if (usage === 'server') {
		extensions.push(
			new x509.SubjectAlternativeNameExtension([
				{ type: 'dns', value: 'localhost' },
				{ type: 'ip', value: '127.0.0.1' },
				{ type: 'ip', value: '127.0.0.2' },
			]),
		);
	}
	const cert = await x509.X509CertificateGenerator.create({
		serialNumber: (serial++).toString(16).padStart(2, '0'),
		subject: `CN=${name}`,
		issuer: ca.cert.subject,
		notBefore: new Date(Date.now() - DAY_MS),
		notAfter: new Date(Date.now() + validDays * DAY_MS),
		publicKey: keys.publicKey,
		signingKey: ca.keys.privateKey,
		signingAlgorithm: ALG,
		extensions,
	});
	return { cert: cert.toString('pem'), key: await keyPem(keys) };
}

/** A fresh server CA and a certificate it signed for 127.0.0.1 and localhost, valid for `validDays`. */
export async function serverCaAndCertificate(caName: string, validDays: number): Promise<{ ca: KeyPairPem; server: KeyPairPem }> {
	const ca = await makeCa(caName, validDays);
	return { ca: ca.pem, server: await issue(ca, 'localhost', 'server', validDays) };
}

let pki: Promise<TestPki> | undefined;

export function testPki(): Promise<TestPki> {
	pki ??= (async () => {
		const ca = await makeCa('API Auth Test Server CA');
		const clientCa = await makeCa('API Auth Test Client CA');
		const strangerCa = await makeCa('Stranger CA');
		const otherCa = await makeCa('Other CA');
		const client = await issue(clientCa, 'workflow-client', 'client');
		return {
			ca: ca.pem,
			server: await issue(ca, 'localhost', 'server'),
			clientCa: clientCa.pem,
			client,
			strangerClient: await issue(strangerCa, 'stranger', 'client'),
			clientKeyEncrypted: createPrivateKey(client.key)
				.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: CLIENT_KEY_PASSPHRASE })
				.toString(),
			otherCa: otherCa.pem,
			impostorCa: (await makeCa('API Auth Test Server CA')).pem,
		};
	})();
	return pki;
}

/** A signing key with a self-signed certificate, as an Entra ID app's certificate credential is made (RSA 2048). */
export async function signingCertificate(name: string): Promise<KeyPairPem> {
	const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
	const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as KeyPair;
	const cert = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: (serial++).toString(16).padStart(2, '0'),
		name: `CN=${name}`,
		notBefore: new Date(Date.now() - DAY_MS),
		notAfter: new Date(Date.now() + 30 * DAY_MS),
		keys,
		signingAlgorithm: alg,
	});
	return { cert: cert.toString('pem'), key: await keyPem(keys) };
}
