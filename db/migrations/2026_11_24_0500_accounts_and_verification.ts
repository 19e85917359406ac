import { sql, type Kysely } from 'kysely'
import { bumpGeneration, createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. Accounts (passwords, sessions, login attempts, password resets),
// organisation invitations, and verification: claim review, peer attestations, challenges
// and the audit trail an organisation can read.
// PostgreSQL branches were added later, changing nothing on SQLite (docs/decisions/0019-postgresql.md).

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('people').addColumn('password_hash', 'text').execute()
  await db.schema
    .alterTable('people')
    .addColumn('is_steward', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_steward in (0, 1)`))
    .execute()

  await db.schema
    .createTable('sessions')
    // sha256 of the random id the signed cookie carries: a copy of this table opens no session.
    .addColumn('id_hash', 'text', (c) => c.primaryKey().notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('sessions_person_idx').on('sessions').column('person_id').execute()

  await db.schema
    .createTable('login_attempts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull().check(sql`succeeded in (0, 1)`))
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('login_attempts_email_idx').on('login_attempts').columns(['email', 'attempted_at']).execute()
  await db.schema.createIndex('login_attempts_address_idx').on('login_attempts').columns(['address', 'attempted_at']).execute()

  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey().notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('accepted_by', 'integer', (c) => c.references('people.id'))
    .execute()

  // A claim leaves the score and the reciprocity class when a steward overturns it.
  await db.schema
    .alterTable('evidence_claims')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'overturned')`))
    .execute()
  // Evidence an organisation submits waits for a steward's review.
  await db.schema
    .alterTable('evidence_claims')
    .addColumn('review_status', 'text', (c) => c.check(sql`review_status in ('requested', 'approved', 'rejected')`))
    .execute()

  await db.schema
    .createTable('attestations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('attester_organisation_id', 'integer', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('attested_by', 'integer', (c) => c.notNull().references('people.id'))
    // What was attested: the applicant's legal form as it stood.
    .addColumn('legal_form', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addCheckConstraint('attestations_not_self', sql`organisation_id <> attester_organisation_id`)
    .execute()
  await db.schema
    .createIndex('attestations_pair_idx')
    .on('attestations')
    .columns(['organisation_id', 'attester_organisation_id'])
    .execute()
  // Public organisation pages list current attestations: a new one must move the catalog
  // generation so no cached page hides it (see app/lib/page-cache.server.ts).
  for (const event of ['insert', 'update', 'delete']) {
    if (isPostgres(db)) {
      await createPostgresTrigger(db, `attestations_generation_${event}`, { timing: 'after', events: event, table: 'attestations', forEach: 'statement', body: bumpGeneration })
      continue
    }
    await sql
      .raw(`create trigger attestations_generation_${event} after ${event} on attestations begin
        update catalog_stats set generation = generation + 1 where id = 1;
      end`)
      .execute(db)
  }
  await db.schema.createIndex('attestations_attester_idx').on('attestations').columns(['attester_organisation_id', 'created_at']).execute()

  await db.schema
    .createTable('challenges')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('claim_id', 'integer', (c) => c.notNull().references('evidence_claims.id').onDelete('cascade'))
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('challenger_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'upheld', 'dismissed')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('people.id'))
    .addColumn('decision_reason', 'text')
    .execute()
  await db.schema.createIndex('challenges_status_idx').on('challenges').columns(['status', 'created_at']).execute()

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (c) => c.references('people.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('claim_id', 'integer', (c) => c.references('evidence_claims.id').onDelete('set null'))
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_events_organisation_idx').on('audit_events').columns(['organisation_id', 'created_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').execute()
  await db.schema.dropTable('challenges').execute()
  for (const event of ['insert', 'update', 'delete']) {
    if (isPostgres(db)) await dropPostgresTrigger(db, `attestations_generation_${event}`, 'attestations')
    else await sql.raw(`drop trigger attestations_generation_${event}`).execute(db)
  }
  await db.schema.dropTable('attestations').execute()
  await db.schema.alterTable('evidence_claims').dropColumn('review_status').execute()
  await db.schema.alterTable('evidence_claims').dropColumn('status').execute()
  await db.schema.dropTable('invitations').execute()
  await db.schema.dropTable('password_resets').execute()
  await db.schema.dropTable('login_attempts').execute()
  await db.schema.dropTable('sessions').execute()
  await db.schema.alterTable('people').dropColumn('is_steward').execute()
  await db.schema.alterTable('people').dropColumn('password_hash').execute()
}
