import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isArgusError } from '../../core/errors.js';
import type { Store } from '../store.js';
import { SCHEMA_VERSIONS } from '../kysely/migrations.js';
import { runStoreConformance } from '../testing/conformance.js';
import { openPostgresStore } from './index.js';
import { createDatabase, dropDatabase } from './testing-db.js';

runStoreConformance('postgres', async (options) => {
  const db = await createDatabase();
  const store = await openPostgresStore({ connectionString: db.url, maxConnections: 8, ...(options?.searchTuning ? { searchTuning: options.searchTuning } : {}) });
  const others: Store[] = [];
  return {
    store,
    concurrentStores: true,
    exec: async (sqlText) => {
      await store.pool.query(sqlText);
    },
    reopen: async () => {
      const s = await openPostgresStore({ connectionString: db.url, maxConnections: 4 });
      others.push(s);
      return s;
    },
    dispose: async () => {
      for (const s of others) await s.close();
      await store.close();
      await dropDatabase(db.name);
    },
  };
});

describe('PostgreSQL adapter', () => {
  it('migrates once even when several stores open the same empty database at the same time', async () => {
    const db = await createDatabase();
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ connectionString: db.url, maxConnections: 2 })));
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const r = await c.query('select version from argus_migrations order by version');
      await c.end();
      expect(r.rows).toEqual(SCHEMA_VERSIONS.map((version) => ({ version })));
      for (const s of stores) await s.close();
    } finally {
      await dropDatabase(db.name);
    }
  });

  it('reports an unreachable server as io_failed without leaking the password', async () => {
    let caught: unknown;
    try {
      await openPostgresStore({ connectionString: 'postgres://argus:s3cret@127.0.0.1:1/none' });
    } catch (e) {
      caught = e;
    }
    expect(isArgusError(caught, 'io_failed')).toBe(true);
    expect(String((caught as Error).message)).not.toContain('s3cret');
  });
});
