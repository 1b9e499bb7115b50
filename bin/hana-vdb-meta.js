#!/usr/bin/env node
import { main } from '../dist/tools/hana-vdb-meta/main.js';
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
