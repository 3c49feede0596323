// scripts/export_fixpoint_duckdb.mjs: an skg export (CSV layout) imported into DuckDB
// (@duckdb/node-api, as bench/peers uses it) and the OFAC 50 Percent Rule's blocked set computed
// in SQL, without skg: the same rule as scripts/export_fixpoint_dask.py (its docstring says which
// part of skg's rule, and why only the definite set).
//   node scripts/export_fixpoint_duckdb.mjs EXPORT_DIR [--as-of YYYY-MM-DD] [--expect FILE]
// Exit codes: 0 same set (or no --expect), 1 a different set, 3 a case this job does not
// implement, 77 DuckDB's Node.js module is not installed (bench/peers: npm ci), so skipped.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};
const dir = resolve(argv[0] ?? '');
const asOf = option('as-of') ?? null;
const rulesPath = option('rules') ?? join(here, '..', 'queries', 'rules.tsv');

// The module from bench/peers (npm ci there), or a folder named by SKG_NODE_MODULES.
const peers = process.env.SKG_NODE_MODULES ?? join(here, '..', 'bench', 'peers', 'node_modules');
let duckdb;
try {
  const require = createRequire(join(peers, 'index.js'));
  duckdb = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
} catch (error) {
  console.log(`skipped: @duckdb/node-api is not installed in ${peers} (cd bench/peers && npm ci): ${error.message.split('\n')[0]}`);
  process.exit(77);
}
if (!existsSync(join(dir, 'nodes-00000.csv'))) {
  console.error(`${dir}: no nodes-00000.csv: give the folder of 'skg export --format csv'`);
  process.exit(2);
}

// The OFAC period of queries/rules.tsv on the date (the last one when no date is given).
const holdsJs = (start, end) => (asOf === null ? !end : (!start || start <= asOf) && (!end || asOf < end));
const periods = readFileSync(rulesPath, 'utf8').split('\n')
  .filter((line) => line.startsWith('ofac\t'))
  .map((line) => line.split('\t'))
  .map((c) => ({ start: c[1] === '-' ? null : c[1], end: c[2] === '-' ? null : c[2], inForce: c[3] === 'yes',
                 threshold: Math.round(Number(c[4]) * 1e6), inclusive: c[5] === '>=', aggregate: c[6] === 'yes' }));
const period = asOf === null ? periods.at(-1) : periods.find((p) => holdsJs(p.start, p.end));
if (period.inForce && !period.aggregate) {
  console.error(`the OFAC period on ${asOf} does not aggregate: not implemented by this job`);
  process.exit(3);
}

const instance = await duckdb.DuckDBInstance.create(':memory:');
const db = await instance.connect();
const scalar = async (sql) => Number((await db.runAndReadAll(sql)).getRows()[0][0]);
const day = asOf === null ? 'NULL' : `'${asOf}'`;
// skg's holds(): with no date, a fact holds when it has no end; else start <= day < end.
const holds = (start, end) => (asOf === null ? `(${end} IS NULL)`
  : `((${start} IS NULL OR ${start} <= ${day}) AND (${end} IS NULL OR ${day} < ${end}))`);

const started = performance.now();
await db.run(`CREATE TABLE nodes AS SELECT * FROM read_csv('${join(dir, 'nodes-*.csv')}', header = true, all_varchar = true)`);
await db.run(`CREATE TABLE edges AS SELECT * FROM read_csv('${join(dir, 'edges-*.csv')}', header = true, all_varchar = true)`);
const loaded = performance.now();

const joint = await scalar(`SELECT count(*) FROM edges WHERE interest = 'jointly_held' AND ${holds('start', '"end"')}`);
if (joint > 0) {
  console.error(`${joint} jointly held stakes in the export: RULES.md §5.5 joint blocks are not implemented by this job`);
  process.exit(3);
}
// Seeds: in-force OFAC blocking listings (issuer us_ofac, typed measure asset_freeze); an undated
// record beside a dated one of the same designation stands for nothing (RULES.md §8.8).
await db.run(`CREATE TABLE actions AS SELECT id, issuer, list, start AS a_start, "end" AS a_end,
  coalesce(undated = 'true', false) AS undated,
  issuer = 'us_ofac' AND list_contains(string_split(coalesce(measures, ''), ';'), 'asset_freeze') AS ofac_freeze
  FROM nodes WHERE kind = 'Action'`);
await db.run(`CREATE TABLE links AS SELECT e.src AS party, e.dst AS action, e.start, e."end", a.*,
  (a.undated AND e.start IS NULL AND e."end" IS NULL) AS undated_link
  FROM edges e JOIN actions a ON a.id = e.dst WHERE e.kind = 'TARGET_OF'`);
await db.run(`CREATE TABLE seeds AS SELECT DISTINCT l.party AS id FROM links l
  WHERE l.ofac_freeze AND ${holds('l.a_start', 'l.a_end')} AND ${holds('l.start', 'l."end"')}
    AND NOT (l.undated_link AND l.list <> 'unknown list' AND l.issuer <> 'unknown' AND EXISTS (
      SELECT 1 FROM links o WHERE o.party = l.party AND o.action <> l.action AND o.list = l.list
        AND o.issuer = l.issuer AND NOT o.undated_link))`);
// Stakes on the date, one owner's records of one asset reconciled: a bound as a key, 2 * units
// + 1 when open (a lower bound) or - 1 when open (an upper bound); the ranges' intersection, or
// their hull when it is empty; the lower bound counts.
await db.run(`CREATE TABLE stakes AS WITH r AS (
    SELECT src, dst,
      2 * CAST(round(CAST(share_low AS DOUBLE) * 1e6) AS BIGINT) + CAST(share_low_open = 'true' AS INTEGER) AS lo_key,
      2 * CAST(round(CAST(share_high AS DOUBLE) * 1e6) AS BIGINT) - CAST(share_high_open = 'true' AS INTEGER) AS hi_key
    FROM edges
    WHERE (kind = 'OWNS' OR (kind = 'CONTROLS' AND interest = 'nominator')) AND src <> dst
      AND share_low IS NOT NULL AND ${holds('start', '"end"')})
  SELECT src, dst, CASE WHEN max(lo_key) > min(hi_key) THEN min(lo_key) ELSE max(lo_key) END AS lo_key
  FROM r GROUP BY src, dst`);
// A nominee's holdings are its one principal's (RULES.md §5.5).
await db.run(`CREATE TABLE principal_of AS SELECT src AS nominee, min(dst) AS principal FROM edges
  WHERE interest = 'nominee_for' AND ${holds('start', '"end"')} GROUP BY src HAVING count(DISTINCT dst) = 1`);
await db.run(`CREATE TABLE held AS SELECT coalesce(p.principal, s.src) AS holder, s.dst AS asset,
  s.lo_key // 2 AS units, s.lo_key % 2 = 1 AS open
  FROM stakes s LEFT JOIN principal_of p ON p.nominee = s.src WHERE coalesce(p.principal, s.src) <> s.dst`);

await db.run('CREATE TABLE blocked AS SELECT id FROM seeds');
const meets = period.inclusive ? `sum(h.units) >= ${period.threshold}`
  : `(sum(h.units) > ${period.threshold} OR (sum(h.units) = ${period.threshold} AND bool_or(h.open)))`;
let rounds = 0;
while (period.inForce) {
  ++rounds;
  const added = Number((await db.run(`INSERT INTO blocked
    SELECT h.asset FROM held h JOIN blocked b ON b.id = h.holder
    WHERE NOT EXISTS (SELECT 1 FROM blocked x WHERE x.id = h.asset)
    GROUP BY h.asset HAVING ${meets}`)).rowsChanged);
  if (added === 0) break;
}
const done = performance.now();
const ids = (await db.runAndReadAll('SELECT id FROM blocked ORDER BY id')).getRows().map((row) => String(row[0]));
const seeds = await scalar('SELECT count(*) FROM seeds');
console.log(`duckdb: ${await scalar('SELECT count(*) FROM nodes')} nodes, ${await scalar('SELECT count(*) FROM edges')} edges `
  + `(import ${((loaded - started) / 1000).toFixed(2)} s, rule ${((done - loaded) / 1000).toFixed(2)} s); OFAC as of `
  + `${asOf ?? 'the latest data'}: ${seeds} designated, ${ids.length} blocked for sure, ${rounds} rounds`);
const expect = option('expect');
if (expect) {
  const expected = new Set(readFileSync(expect, 'utf8').split('\n').filter((line) => line));
  const got = new Set(ids);
  const missing = [...expected].filter((id) => !got.has(id));
  const extra = ids.filter((id) => !expected.has(id));
  if (missing.length || extra.length) {
    console.error(`MISMATCH with skg: ${missing.length} blocked by skg only (e.g. ${missing.slice(0, 5)}), `
      + `${extra.length} by DuckDB only (e.g. ${extra.slice(0, 5)})`);
    process.exit(1);
  }
  console.log(`same blocked set as skg: ${expected.size} ids`);
}
