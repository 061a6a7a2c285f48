/** Monitoring centres, their members and the views (wall layouts, alert filters) they share; the same SQL on both dialects. */
import { ArgusError } from '../../core/errors.js';
import type { AccessScope, CentreRecord, CentreViewKind, CentreViewRecord, JsonValue } from '../store.js';
import { affected, fromJson, isForeignKeyViolation, isUniqueViolation, num, toJson, writeTransaction, type StoreContext } from './context.js';
import type { CentreTable, CentreViewTable } from './schema.js';

const centreOf = (r: CentreTable): CentreRecord => ({
  id: r.id, name: r.name, scope: fromJson<AccessScope>(r.scope), createdAtMs: num(r.created_at_ms), updatedAtMs: num(r.updated_at_ms),
});

const viewOf = (r: CentreViewTable): CentreViewRecord => ({
  id: r.id, centreId: r.centre_id, kind: r.kind as CentreViewKind, name: r.name, body: fromJson<JsonValue>(r.body), updatedBy: r.updated_by,
  updatedAtMs: num(r.updated_at_ms),
});

export async function createCentre(ctx: StoreContext, c: CentreRecord): Promise<void> {
  try {
    await ctx.db.insertInto('centres').values({ id: c.id, name: c.name, scope: toJson(c.scope), created_at_ms: c.createdAtMs, updated_at_ms: c.updatedAtMs }).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ArgusError('conflict', `centre ${c.id} or name ${JSON.stringify(c.name)} exists`, { cause: e });
    throw e;
  }
}

export async function getCentre(ctx: StoreContext, id: string): Promise<CentreRecord | null> {
  const r = await ctx.db.selectFrom('centres').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? centreOf(r) : null;
}

export async function listCentres(ctx: StoreContext): Promise<CentreRecord[]> {
  return (await ctx.db.selectFrom('centres').selectAll().orderBy('name').orderBy('id').execute()).map(centreOf);
}

export async function updateCentre(ctx: StoreContext, id: string, patch: { name?: string; scope?: AccessScope; updatedAtMs: number }): Promise<CentreRecord> {
  try {
    const r = await ctx.db.updateTable('centres').set({
      updated_at_ms: patch.updatedAtMs,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.scope !== undefined ? { scope: toJson(patch.scope) } : {}),
    }).where('id', '=', id).executeTakeFirst();
    if (affected(r) === 0) throw new ArgusError('not_found', `centre ${id} not found`);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ArgusError('conflict', `a centre named ${JSON.stringify(patch.name)} exists`, { cause: e });
    throw e;
  }
  return (await getCentre(ctx, id))!;
}

/** Deletes the centre with its memberships and views (one transaction). */
export async function deleteCentre(ctx: StoreContext, id: string): Promise<boolean> {
  return writeTransaction(ctx, async (trx) => {
    await trx.deleteFrom('centre_views').where('centre_id', '=', id).execute();
    await trx.deleteFrom('centre_members').where('centre_id', '=', id).execute();
    return affected(await trx.deleteFrom('centres').where('id', '=', id).executeTakeFirst()) > 0;
  });
}

/** Makes `userIds` the centre's members (a user of another centre moves here; members left out leave). */
export async function setCentreMembers(ctx: StoreContext, centreId: string, userIds: readonly string[]): Promise<void> {
  try {
    await writeTransaction(ctx, async (trx) => {
      if (!(await trx.selectFrom('centres').select('id').where('id', '=', centreId).executeTakeFirst())) throw new ArgusError('not_found', `centre ${centreId} not found`);
      await trx.deleteFrom('centre_members').where('centre_id', '=', centreId).execute();
      for (const userId of new Set(userIds)) {
        await trx.insertInto('centre_members').values({ user_id: userId, centre_id: centreId })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ centre_id: centreId })).execute();
      }
    });
  } catch (e) {
    if (isForeignKeyViolation(e)) throw new ArgusError('not_found', 'one of the users does not exist', { cause: e });
    throw e;
  }
}

export async function listCentreMembers(ctx: StoreContext, centreId: string): Promise<string[]> {
  return (await ctx.db.selectFrom('centre_members').select('user_id').where('centre_id', '=', centreId).orderBy('user_id').execute()).map((r) => r.user_id);
}

export async function getCentreOfUser(ctx: StoreContext, userId: string): Promise<CentreRecord | null> {
  const r = await ctx.db.selectFrom('centre_members').innerJoin('centres', 'centres.id', 'centre_members.centre_id')
    .selectAll('centres').where('centre_members.user_id', '=', userId).executeTakeFirst();
  return r ? centreOf(r) : null;
}

export async function listCentreViews(ctx: StoreContext, centreId: string, kind: CentreViewKind): Promise<CentreViewRecord[]> {
  return (await ctx.db.selectFrom('centre_views').selectAll().where('centre_id', '=', centreId).where('kind', '=', kind).orderBy('name').execute()).map(viewOf);
}

/** Saves a view; one of the same centre, kind and name is replaced (it keeps its id). Returns the stored view. */
export async function saveCentreView(ctx: StoreContext, v: CentreViewRecord): Promise<CentreViewRecord> {
  try {
    await ctx.db.insertInto('centre_views').values({
      id: v.id, centre_id: v.centreId, kind: v.kind, name: v.name, body: toJson(v.body), updated_by: v.updatedBy, updated_at_ms: v.updatedAtMs,
    }).onConflict((oc) => oc.columns(['centre_id', 'kind', 'name']).doUpdateSet({ body: toJson(v.body), updated_by: v.updatedBy, updated_at_ms: v.updatedAtMs })).execute();
  } catch (e) {
    if (isForeignKeyViolation(e)) throw new ArgusError('not_found', `centre ${v.centreId} not found`, { cause: e });
    throw e;
  }
  const r = await ctx.db.selectFrom('centre_views').selectAll().where('centre_id', '=', v.centreId).where('kind', '=', v.kind).where('name', '=', v.name).executeTakeFirstOrThrow();
  return viewOf(r);
}

export async function deleteCentreView(ctx: StoreContext, centreId: string, id: string): Promise<boolean> {
  return affected(await ctx.db.deleteFrom('centre_views').where('centre_id', '=', centreId).where('id', '=', id).executeTakeFirst()) > 0;
}
