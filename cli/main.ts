#!/usr/bin/env node
/** The `ghostfleet` executable: the only place that reads argv and calls process.exit. */
import { processIo } from './io.js';
import { main } from './program.js';

const code = await main(process.argv.slice(2), processIo);
// Let stdout drain before exiting (a piped report must not be cut).
process.stdout.write('', () => process.exit(code));
