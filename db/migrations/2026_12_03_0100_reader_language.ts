import { sql, type Kysely } from 'kysely'

// Frozen once landed. Issue 16, every member in their own language:
// - people.language: the language a person chose for pages and, above all, for the mails sent to
//   them (a mail has no browser to ask). Null: never chosen; mails then go in English. Not
//   checked against today's five languages, so adding a language needs no migration.
// - people.time_zone: an IANA zone ("Europe/Rome") for the times a person reads; null: the
//   browser's, else UTC. Times at rest stay UTC text.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('people')
    .addColumn('language', 'text', (c) => c.check(sql`language is null or length(language) between 2 and 8`))
    .execute()
  await db.schema
    .alterTable('people')
    .addColumn('time_zone', 'text', (c) => c.check(sql`time_zone is null or length(time_zone) between 1 and 64`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('people').dropColumn('time_zone').execute()
  await db.schema.alterTable('people').dropColumn('language').execute()
}
