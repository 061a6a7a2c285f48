// Entry point of the `argus` command (bin/argus.js loads the built copy; `node --import tsx src/cli/run.ts` in development).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
