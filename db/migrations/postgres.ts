import { sql, type Kysely } from 'kysely'
import { engineOf } from '../engine'

// What the migrations need to say differently to PostgreSQL: its triggers run a function, and
// its few SQLite-isms (strftime for "now", json_valid, ifnull, the nocase collation) are
// defined once, in the first migration, so the column definitions stay one text for both.

export const isPostgres = (db: Kysely<any>) => engineOf(db) === 'postgres'

/** Defines, in a new PostgreSQL database, the SQLite functions and collation the schema uses. */
export async function definePostgresCompatibility(db: Kysely<any>): Promise<void> {
  // Column defaults say strftime('%Y-%m-%dT%H:%M:%fZ', 'now'): the statement's time as UTC ISO
  // text with milliseconds, which is how every time is kept on both engines.
  await sql`create function strftime(format text, at text) returns text language plpgsql stable as $$
    begin
      if format <> '%Y-%m-%dT%H:%M:%fZ' or at <> 'now' then
        raise exception 'strftime(%, %) is not supported: only the current time as ISO text', format, at;
      end if;
      return to_char(statement_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
    end $$`.execute(db)
  await sql`create function json_valid(document text) returns boolean language plpgsql immutable as $$
    begin
      perform document::jsonb;
      return true;
    exception when others then
      return false;
    end $$`.execute(db)
  // Immutable and inlined, so an index on ifnull(…) serves a query that says ifnull(…).
  await sql`create function ifnull(value anycompatible, otherwise anycompatible) returns anycompatible
    language sql immutable as 'select coalesce(value, otherwise)'`.execute(db)
  // Case-insensitive equality (and uniqueness) for email addresses, as SQLite's NOCASE gives.
  await sql`create collation nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`.execute(db)
  // Search folds accents as FTS5's remove_diacritics does.
  await sql`create extension if not exists unaccent`.execute(db)
}

interface Trigger {
  timing: 'before' | 'after'
  /** e.g. "insert", "update of title, description", "update or delete" */
  events: string
  table: string
  forEach: 'row' | 'statement'
  /** A condition on new/old that needs no query (PostgreSQL allows none in WHEN). */
  when?: string
  /** PL/pgSQL statements, each ending in a semicolon. */
  body: string
}

/** A PostgreSQL trigger and the function it runs, both named `name`. */
export async function createPostgresTrigger(db: Kysely<any>, name: string, t: Trigger): Promise<void> {
  await sql.raw(`create or replace function ${name}() returns trigger language plpgsql as $$ begin ${t.body} return null; end $$`).execute(db)
  await sql
    .raw(`create trigger ${name} ${t.timing} ${t.events} on ${t.table} for each ${t.forEach}${t.when ? ` when (${t.when})` : ''} execute function ${name}()`)
    .execute(db)
}

export async function dropPostgresTrigger(db: Kysely<any>, name: string, table: string): Promise<void> {
  await sql.raw(`drop trigger ${name} on ${table}`).execute(db)
  await sql.raw(`drop function ${name}()`).execute(db)
}

/** The generation bump every catalog table carries: once per statement is enough on PostgreSQL. */
export const bumpGeneration = 'update catalog_stats set generation = generation + 1 where id = 1;'
