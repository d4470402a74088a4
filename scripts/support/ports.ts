/**
 * Ports of the tooling: read from the environment with a fixed default, and, when one is taken,
 * which process holds it (Linux: /proc/net/tcp{,6} for the listening socket, /proc/<pid>/fd for
 * its owner), so the message can name the PID to stop.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The port an environment variable names, or `fallback`; a value that is no port is refused by name. */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a port: use a number from 1 to 65535.`);
	return port;
}

const LISTEN = '0A';

/** Inodes of the sockets a /proc/net/tcp table lists as listening on `port` (any local address). */
export function listeningInodes(table: string, port: number): string[] {
	return table
		.split('\n')
		.slice(1)
		.map((line) => line.trim().split(/\s+/))
		.filter((f) => f.length > 9 && f[3] === LISTEN && parseInt(f[1].split(':')[1] ?? '', 16) === port)
		.map((f) => f[9]);
}

function readOr(file: string, fallback: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return fallback;
	}
}

export interface PortHolder {
	pid: number;
	command: string;
}

/** The process listening on `port`, when this system shows it (Linux, a process this user may inspect). */
export function portHolder(port: number): PortHolder | undefined {
	const sockets = new Set(['tcp', 'tcp6'].flatMap((t) => listeningInodes(readOr(`/proc/net/${t}`, ''), port)).map((inode) => `socket:[${inode}]`));
	if (sockets.size === 0) return undefined;
	let pids: string[];
	try {
		pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
	} catch {
		return undefined;
	}
	for (const pid of pids) {
		let fds: string[];
		try {
			fds = readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			let target = '';
			try {
				target = readlinkSync(`/proc/${pid}/fd/${fd}`);
			} catch {
				continue;
			}
			if (sockets.has(target)) return { pid: Number(pid), command: readOr(`/proc/${pid}/cmdline`, '').split('\0').filter(Boolean).join(' ') };
		}
	}
	return undefined;
}

/** "Port N (what) is taken by PID p (command)…" with the way out: stop it, or choose another port. */
export function portTakenMessage(port: number, what: string, envName: string): string {
	const holder = portHolder(port);
	const by = holder ? ` by PID ${holder.pid} (${holder.command.slice(0, 120)})` : ' (this system did not say by which process)';
	return `Port ${port} (${what}) is taken${by}: stop it, or set ${envName} to a free port.`;
}
