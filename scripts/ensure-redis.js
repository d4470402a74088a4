#!/usr/bin/env node
// The queue-mode tests start a real redis-server: installed when missing (see ensure-packages.js).
require('./ensure-packages').ensure(['redis']);
