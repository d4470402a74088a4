#!/usr/bin/env node
// The tests start real servers from Debian packages: redis-server (queue-mode tests) and
// PostgreSQL (the real n8n app in queue mode). This makes sure the ones named on the command line
// are installed: when one is missing and we run as root with apt-get (CI), it installs it;
// otherwise it stops with what to do.
//   node scripts/ensure-packages.js redis postgres
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');

const runs = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
// Debian keeps PostgreSQL's server programs out of PATH, under /usr/lib/postgresql/<major>/bin.
const postgresInstalled = () => {
	const root = '/usr/lib/postgresql';
	return existsSync(root) && readdirSync(root).some((major) => existsSync(`${root}/${major}/bin/initdb`) && existsSync(`${root}/${major}/bin/postgres`)) && runs('psql', ['--version']);
};

const SERVERS = {
	redis: { debian: 'redis-server', installed: () => runs('redis-server', ['--version']) },
	postgres: { debian: 'postgresql', installed: postgresInstalled },
};

function ensure(names) {
	const unknown = names.filter((name) => !SERVERS[name]);
	if (unknown.length > 0) throw new Error(`Unknown server(s) ${unknown.join(', ')}: one of ${Object.keys(SERVERS).join(', ')}.`);
	const missing = names.map((name) => SERVERS[name]).filter((server) => !server.installed());
	if (missing.length === 0) return;
	const packages = missing.map((server) => server.debian);
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const hasApt = runs('apt-get', ['--version']);
	if (!isRoot || !hasApt) {
		console.error(`${packages.join(' and ')} missing and cannot be installed from here. Install the Debian package(s) (Debian/Ubuntu: sudo apt-get install ${packages.join(' ')}) and run the tests again.`);
		process.exit(1);
	}
	console.log(`Installing the missing Debian package(s) ${packages.join(', ')}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
	execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
	const still = missing.filter((server) => !server.installed()).map((server) => server.debian);
	if (still.length > 0) {
		console.error(`apt-get finished, but ${still.join(', ')} still does not run.`);
		process.exit(1);
	}
}

module.exports = { ensure };
if (require.main === module) ensure(process.argv.slice(2));
