#!/usr/bin/env node
// Drives Prisma's own schema engine (@prisma/schema-engine-wasm) offline, against a
// PostgreSQL database reached through @prisma/adapter-pg, to answer "what would
// `prisma migrate deploy` (or `migrate resolve`) do with this migrations directory?".
//
//   node apply.mjs --url URL --migrations DIR [--schema-file FILE] [--sort locale|bytes]  # migrate deploy
//   node apply.mjs --url URL --migrations DIR --diagnose                      # diagnoseMigrationHistory
//   node apply.mjs --url URL --migrations DIR --mark-applied NAME             # migrate resolve --applied
//   node apply.mjs --url URL --migrations DIR --mark-rolled-back NAME         # migrate resolve --rolled-back
//
// Prints exactly ONE JSON object on stdout. Apply mode:
//   {"ok": bool, "applied": [names], "failed": {"migration": name, "message": str, "sqlstate": str|null} | null,
//    "error": str | null}
// `applied` lists the migrations this run applied; `failed.message` is the database's error as
// the engine logged it (span trace removed); `error` is the engine's whole error (e.g. P3009).
// Diagnose mode: {"ok": bool, "diagnosis": {...engine output...} | null, "error": str | null}
// Mark modes:    {"ok": bool, "error": str | null}
// Exit code: 0 when ok, 1 when the engine reported a failure, 2 on bad usage / crash.
//
// Notes:
// * The WASM module is instantiated by hand (no --experimental-wasm-modules needed).
// * PrismaPg's executeScript splits a script on every ';', which breaks `DO $$ ... $$`
//   bodies and function definitions. The native schema engine sends each migration.sql
//   as one simple query (one implicit transaction); we do the same.
// * Migration folders are listed and sorted the way Prisma's CLI (6.6+, 7.x) does it:
//   directories only, `localeCompare` order, migration.sql read as UTF-8 (BOM kept).
//   The engine itself does NOT sort: it applies the list in the order given (checked).
//   `--sort bytes` gives the order of Prisma < 6.6 (plain code-unit comparison).

import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import pg from 'pg'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const DEFAULT_SCHEMA = 'datasource db {\n  provider = "postgresql"\n}\n'
const NO_FILTERS = { externalTables: [], externalEnums: [] }

// ------------------------------------------------------------------------ output

let printed = false
function emit(obj, code) {
  if (!printed) {
    printed = true
    process.stdout.write(JSON.stringify(obj) + '\n')
  }
  process.exitCode = code
}

function errorText(e) {
  if (e == null) return 'unknown error'
  if (typeof e === 'string') return e
  const parts = []
  if (e.code && typeof e.code === 'string' && !String(e.message ?? '').includes(e.code)) parts.push(e.code)
  if (e.message) parts.push(e.message)
  // A driver adapter error carries the database's own message in `cause`.
  const cause = e.cause
  if (cause && typeof cause === 'object') {
    const dbMsg = cause.originalMessage ?? cause.message
    if (dbMsg && !parts.join('\n').includes(dbMsg)) parts.push(dbMsg)
    if (cause.originalCode && !parts.join('\n').includes(cause.originalCode)) parts.push(`(code ${cause.originalCode})`)
  }
  if (parts.length === 0) {
    try {
      return JSON.stringify(e)
    } catch {
      return String(e)
    }
  }
  return parts.join('\n')
}

// ------------------------------------------------------------------------ args

function parseArgs(argv) {
  const opts = { url: null, migrations: null, schemaFile: null, mode: 'apply', name: null, sort: 'locale' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value after ${a}`)
      return argv[++i]
    }
    switch (a) {
      case '--url': opts.url = next(); break
      case '--migrations': opts.migrations = next(); break
      case '--schema-file': opts.schemaFile = next(); break
      case '--sort':
        opts.sort = next()
        if (opts.sort !== 'locale' && opts.sort !== 'bytes') throw new Error('--sort takes locale or bytes')
        break
      case '--diagnose': opts.mode = 'diagnose'; break
      case '--mark-applied': opts.mode = 'mark-applied'; opts.name = next(); break
      case '--mark-rolled-back': opts.mode = 'mark-rolled-back'; opts.name = next(); break
      case '-h': case '--help':
        process.stderr.write('usage: apply.mjs --url URL --migrations DIR [--schema-file F] [--sort locale|bytes] [--diagnose | --mark-applied NAME | --mark-rolled-back NAME]\n')
        process.exit(0)
      default: throw new Error(`unknown argument ${a}`)
    }
  }
  if (!opts.url) throw new Error('--url is required')
  if (!opts.migrations) throw new Error('--migrations is required')
  opts.migrations = path.resolve(opts.migrations)
  return opts
}

// ------------------------------------------------------------------------ engine

async function loadSchemaEngine() {
  // schema_engine.js does `import * as wasm from "./schema_engine_bg.wasm"`, which needs
  // --experimental-wasm-modules; instantiate the module ourselves instead.
  const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg')
  let bgUrl
  try {
    bgUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg')
  } catch {
    bgUrl = pathToFileURL(path.join(HERE, 'node_modules/@prisma/schema-engine-wasm/schema_engine_bg.js')).href
  }
  const bytes = await readFile(new URL('./schema_engine_bg.wasm', bgUrl))
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg })
  bg.__wbg_set_wasm(instance.exports)
  instance.exports.__wbindgen_start()
  return bg
}

/** PrismaPg whose executeScript sends the whole script as ONE simple query. */
class WholeScriptPg extends PrismaPg {
  async connect() {
    return patchExecuteScript(await super.connect())
  }
  async connectToShadowDb() {
    return patchExecuteScript(await super.connectToShadowDb())
  }
}

/** The last database error raised by a script (its SQLSTATE is lost inside the engine). */
let lastScriptError = null

function patchExecuteScript(adapter) {
  adapter.executeScript = async function executeScript(script) {
    try {
      // No parameters -> node-postgres uses the simple query protocol: PostgreSQL runs a
      // multi-statement string as one implicit transaction, like the native engine.
      await this.client.query(script)
    } catch (error) {
      lastScriptError = { sqlstate: error?.code ?? null, message: String(error?.message ?? error) }
      this.onError(error)
    }
  }
  return adapter
}

async function listMigrations(dir, sort) {
  const lockfilePath = 'migration_lock.toml'
  const lockContent = await readFile(path.join(dir, lockfilePath), 'utf-8').catch(() => null)
  let entries = []
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (e) {
    if (e.code !== 'ENOENT') throw e
  }
  const migrationDirectories = []
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const content = await readFile(path.join(dir, entry.name, 'migration.sql'), 'utf-8')
      .then((value) => ({ tag: 'ok', value }))
      .catch((error) => ({ tag: 'error', value: String(error?.message ?? error) }))
    migrationDirectories.push({ path: entry.name, migrationFile: { path: 'migration.sql', content } })
  }
  if (sort === 'bytes') migrationDirectories.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  else migrationDirectories.sort((a, b) => a.path.localeCompare(b.path))
  return {
    baseDir: dir,
    lockfile: { path: lockfilePath, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  }
}

// ------------------------------------------------------------------------ _prisma_migrations

async function readMigrationsTable(url) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const exists = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present")
    if (!exists.rows[0].present) return []
    const res = await client.query(
      'SELECT id, migration_name, finished_at, rolled_back_at, logs, started_at FROM _prisma_migrations ORDER BY started_at, migration_name',
    )
    return res.rows
  } finally {
    await client.end().catch(() => {})
  }
}

/** The engine's text without its leading "external connector error" and its span trace. */
function cleanEngineMessage(text) {
  if (!text) return null
  let s = String(text)
  const trace = s.search(/\n\s*0: /)
  if (trace >= 0) s = s.slice(0, trace)
  s = s.replace(/^external connector error\s*\n/, '')
  return s.trim() || String(text).trim()
}

// ------------------------------------------------------------------------ modes

async function runApply(engine, opts, migrationsList) {
  const before = new Set((await readMigrationsTable(opts.url).catch(() => [])).map((r) => r.id))
  try {
    const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS })
    emit({ ok: true, applied: out.appliedMigrationNames ?? [], failed: null, error: null }, 0)
  } catch (e) {
    const error = errorText(e)
    let rows = []
    try {
      rows = await readMigrationsTable(opts.url)
    } catch {
      rows = []
    }
    const fresh = rows.filter((r) => !before.has(r.id))
    const applied = fresh.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name)
    // The migration that failed in this run, else an older failed one that blocks (P3009).
    const failedRow =
      fresh.find((r) => !r.finished_at && !r.rolled_back_at) ??
      rows.find((r) => !r.finished_at && !r.rolled_back_at)
    const failedNow = failedRow && !before.has(failedRow.id)
    const sqlstate = failedNow && lastScriptError ? lastScriptError.sqlstate : null
    let failed = null
    if (failedRow) {
      failed = {
        migration: failedRow.migration_name,
        message: cleanEngineMessage(failedRow.logs) ?? cleanEngineMessage(error),
        sqlstate,
      }
    } else if (error.startsWith('P3015')) {
      // A folder without migration.sql: name the first one (in apply order) still pending.
      const done = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name))
      const missing = migrationsList.migrationDirectories.find((d) => d.migrationFile.content.tag === 'error' && !done.has(d.path))
      if (missing) failed = { migration: missing.path, message: cleanEngineMessage(error), sqlstate: null }
    } else {
      const m = /Migration name: (\S+)/.exec(error)
      if (m) failed = { migration: m[1], message: cleanEngineMessage(error), sqlstate: lastScriptError?.sqlstate ?? null }
    }
    emit({ ok: false, applied, failed, error }, 1)
  }
}

async function runDiagnose(engine, opts, migrationsList) {
  try {
    const out = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS })
    emit({ ok: true, diagnosis: out, error: null }, 0)
  } catch (e) {
    emit({ ok: false, diagnosis: null, error: errorText(e) }, 1)
  }
}

async function runMark(engine, opts, migrationsList) {
  try {
    if (opts.mode === 'mark-applied') {
      await engine.markMigrationApplied({ migrationName: opts.name, migrationsList })
    } else {
      await engine.markMigrationRolledBack({ migrationName: opts.name })
    }
    emit({ ok: true, error: null }, 0)
  } catch (e) {
    emit({ ok: false, error: errorText(e) }, 1)
  }
}

async function main() {
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (e) {
    emit({ ok: false, applied: [], failed: null, error: `usage: ${e.message}` }, 2)
    return
  }
  const schemaPath = opts.schemaFile ? path.resolve(opts.schemaFile) : path.join(opts.migrations, '..', 'schema.prisma')
  const schema = opts.schemaFile ? await readFile(schemaPath, 'utf-8') : DEFAULT_SCHEMA

  const debugLines = []
  const debug = (line) => {
    if (process.env.PRISMA_ORACLE_DEBUG) process.stderr.write(String(line) + '\n')
    else if (debugLines.length < 200) debugLines.push(String(line))
  }

  const wasm = await loadSchemaEngine()
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg({ connectionString: opts.url }))
  let engine
  try {
    engine = await wasm.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, debug, adapterFactory)
  } catch (e) {
    emit({ ok: false, applied: [], failed: null, error: `schema engine did not start: ${errorText(e)}` }, 2)
    return
  }
  try {
    const migrationsList = await listMigrations(opts.migrations, opts.sort)
    if (opts.mode === 'apply') await runApply(engine, opts, migrationsList)
    else if (opts.mode === 'diagnose') await runDiagnose(engine, opts, migrationsList)
    else await runMark(engine, opts, migrationsList)
  } finally {
    try {
      engine.free()
    } catch {
      /* ignore */
    }
  }
}

main()
  .catch((e) => emit({ ok: false, applied: [], failed: null, error: `oracle crashed: ${errorText(e)}` }, 2))
  .finally(() => {
    // The pg pool behind the adapter may keep the event loop alive; we are done.
    setTimeout(() => process.exit(process.exitCode ?? 0), 50).unref()
  })
