import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ArgusError } from '../core/errors.js';

/** node:util parseArgs with errors turned into a clear ArgusError. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new ArgusError('invalid_argument', (e as Error).message);
  }
}
