import { ArgusError } from '../../core/errors.js';

/** Placeholder while this command is being built (replaced in the same change). */
export async function analyze(_argv: string[]): Promise<number> {
  throw new ArgusError('invalid_argument', 'argus analyze is not available in this build');
}
