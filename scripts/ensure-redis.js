#!/usr/bin/env node
// The queue-mode tests start a real redis-server (Debian package redis-server). This makes sure
// it is installed: when it is missing and we run as root with apt-get (CI), it installs it;
// otherwise it stops with what to do.
const { execFileSync, spawnSync } = require('node:child_process');

const installed = () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

if (installed()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
	console.error('redis-server is missing and cannot be installed from here. Install the package redis-server (Debian/Ubuntu: sudo apt-get install redis-server) and run the tests again.');
	process.exit(1);
}

console.log('redis-server is missing: installing the Debian package redis-server');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env });
if (!installed()) {
	console.error('apt-get finished, but redis-server still does not run.');
	process.exit(1);
}
