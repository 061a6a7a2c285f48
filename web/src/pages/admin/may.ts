import type { Permission } from '@contract';

/** Has the signed-in user this permission? (Actions the role may not do are hidden, the API refuses them anyway.) */
export const may = (permissions: readonly Permission[], p: Permission): boolean => permissions.includes(p);
