/**
 * Writes the route table of docs/security.md ("Routes: who, what data, what is audited") from the service's own
 * router and src/server/route-classes.ts. Run after adding or changing a route:
 * `npx tsx src/server/testing/security-doc.ts` (test/server-api.test.ts fails while the document differs).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceRouteTable } from '../route-classes.js';
import { startTestServer } from './harness.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'security.md');
const t = await startTestServer('sqlite');
try {
  await writeFile(file, replaceRouteTable(await readFile(file, 'utf8'), t.server.ctx.router.docs));
  console.log(`wrote the route table of ${file} (${t.server.ctx.router.docs.length} routes)`);
} finally {
  await t.dispose();
}
