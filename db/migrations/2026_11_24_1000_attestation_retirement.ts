import { sql, type Kysely } from 'kysely'
import { createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. An attestation can stop counting before it expires: when the attester and
// the applicant come to share a member (it is no longer independent), or when a steward upholds
// a challenge against the legal form it carried. The reason is kept because the second one bars
// the attester from attesting that organisation again for a year.
// PostgreSQL branches were added later, changing nothing on SQLite (docs/decisions/0019-postgresql.md).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('attestations').addColumn('retired_at', 'text').execute()
  await db.schema
    .alterTable('attestations')
    .addColumn('retired_reason', 'text', (c) => c.check(sql`retired_reason in ('shared_member', 'claim_overturned')`))
    .execute()
  // SQLite cannot add a table CHECK to an existing table: a trigger keeps the two columns together.
  if (isPostgres(db)) {
    return createPostgresTrigger(db, 'attestations_retired_together', {
      timing: 'before',
      events: 'update of retired_at, retired_reason',
      table: 'attestations',
      forEach: 'row',
      when: '(new.retired_at is null) <> (new.retired_reason is null)',
      body: "raise exception 'attestations: retired_at and retired_reason are set together';",
    })
  }
  await sql
    .raw(`create trigger attestations_retired_together before update of retired_at, retired_reason on attestations
      when (new.retired_at is null) <> (new.retired_reason is null)
      begin select raise(abort, 'attestations: retired_at and retired_reason are set together'); end`)
    .execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await dropPostgresTrigger(db, 'attestations_retired_together', 'attestations')
  else await sql.raw('drop trigger attestations_retired_together').execute(db)
  await db.schema.alterTable('attestations').dropColumn('retired_reason').execute()
  await db.schema.alterTable('attestations').dropColumn('retired_at').execute()
}
