// The benchmark's process set-up: the tests' (a throw-away n8n user folder, no host proxy), with
// n8n's default log level. The tests' `silent` still runs n8n's logger for every debug line (it
// looks up its caller's stack each time, ~4 % of the per-item path under isolated-vm, which logs
// each evaluation at debug); at `info`, n8n's default, debug is a no-op as in a real instance.
process.env.N8N_LOG_LEVEL ??= 'info';
// Required, not imported, so that it runs after the line above (n8n reads the level when it loads).
require('../test/support/env');
