#!/usr/bin/env node
// The bundle npm run build writes (tools/package/agent-bundle.ts): HANA starts this for every Backint call.
import { main } from '../dist/agent/hana-backint.js';
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
