// bench/peers/duckdb.mjs: DuckDB (in memory, through @duckdb/node-api) on the files skg-gen
// wrote: load, 3-hop reach to listed parties, the OFAC 50% blocked set, peak RSS.
//   node duckdb.mjs --dir /tmp/skg-peers-1000000 --runs 5
// Semantics, kept equal to skg's (README.md says where they differ):
// - reach: listed parties within 3 hops over every edge of edges.csv (OWNS and DIRECTOR_OF: skg's
//   party links), either direction, the source itself counted when listed; each party once.
// - OFAC: blocked = listed parties, then every entity whose OWNS stakes held by blocked parties
//   add up to >= 50% (basis points, >= 5000: skg's Rule::Ofac, inclusive), stakes of unknown size
//   counted as 0 (skg's Verdict::Yes, the lower bound), a self-owning edge ignored, repeated
//   until nothing changes.
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { Report, cpu, now, options, peakRssMib, percentile, sources } from './common.mjs';

const opts = options();
const report = new Report('duckdb', opts.dataset);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const scalar = async (sql) => Number((await db.runAndReadAll(sql)).getRows()[0][0]);

// Load: the two CSV files into tables, types given (no sniffing of types).
let wall = now(), cpu0 = cpu();
await db.run(`CREATE TABLE nodes AS SELECT * FROM read_csv('${join(opts.dir, 'nodes.csv')}',
  header = true, columns = {'id': 'INTEGER', 'kind': 'VARCHAR', 'name': 'VARCHAR', 'listed': 'TINYINT'})`);
await db.run(`CREATE TABLE edges AS SELECT * FROM read_csv('${join(opts.dir, 'edges.csv')}',
  header = true, columns = {'src': 'INTEGER', 'dst': 'INTEGER', 'kind': 'VARCHAR', 'share': 'DOUBLE'})`);
const loadWall = now() - wall, loadCpu = cpu() - cpu0;
report.nodes = await scalar('SELECT count(*) FROM nodes');
report.edges = await scalar('SELECT count(*) FROM edges');
report.row('load/duckdb', 1, loadWall);
report.value('load_seconds_wall', loadWall);
report.value('load_seconds_cpu', loadCpu);
report.value('rss_after_load_mib', peakRssMib());
report.value('listed', await scalar('SELECT count(*) FROM nodes WHERE listed = 1'));

// Derived tables a user makes once: both directions of every link, and the stakes in basis points.
wall = now(), cpu0 = cpu();
await db.run(`CREATE TABLE adj AS SELECT src, dst FROM edges UNION ALL SELECT dst AS src, src AS dst FROM edges`);
await db.run(`CREATE TABLE listed AS SELECT id FROM nodes WHERE listed = 1`);
await db.run(`CREATE TABLE stakes AS SELECT src, dst, CAST(round(share * 100) AS INTEGER) AS bp
  FROM edges WHERE kind = 'OWNS' AND share IS NOT NULL AND src <> dst`);
report.row('prepare/duckdb', 1, now() - wall);
report.value('prepare_seconds_wall', now() - wall);
report.value('prepare_seconds_cpu', cpu() - cpu0);

// 3-hop reach, one source per query (as a service answers one user), then all sources at once.
const reachSql = (from) => `WITH l0 AS (${from}),
  l1 AS (SELECT DISTINCT l0.s, a.dst AS node FROM l0 JOIN adj a ON a.src = l0.node),
  l2 AS (SELECT DISTINCT l1.s, a.dst AS node FROM l1 JOIN adj a ON a.src = l1.node),
  l3 AS (SELECT DISTINCT l2.s, a.dst AS node FROM l2 JOIN adj a ON a.src = l2.node),
  r AS (SELECT s, node FROM l0 UNION SELECT s, node FROM l1 UNION SELECT s, node FROM l2
        UNION SELECT s, node FROM l3)
  SELECT count(*) FROM r JOIN listed ON listed.id = r.node`;
const sample = sources(opts.dir, opts.sources);
// One query per source scans the adjacency table: time an evenly spread subset of the sources
// (--per-source N); the answer is checked on all of them by the batched query below.
const step = Math.max(1, Math.floor(sample.length / Math.max(1, opts['per-source'])));
const timed = sample.filter((_, at) => at % step === 0);
const one = await db.prepare(reachSql('SELECT 0 AS s, $1::INTEGER AS node'));
const seconds = [];
let hits = 0;
wall = now(), cpu0 = cpu();
for (const source of timed) {
  const start = now();
  one.bindInteger(1, source);
  hits += Number((await one.runAndReadAll()).getRows()[0][0]);
  seconds.push(now() - start);
}
report.row('reach_3_hops_count/per_source_p50', 1, percentile(seconds, 0.5));
report.row('reach_3_hops_count/per_source_p95', 1, percentile(seconds, 0.95));
report.value('reach_3_hops_timed_sources', timed.length);
report.value('reach_3_hops_timed_sources_hits', hits);
report.value('reach_3_hops_count_p50_seconds', percentile(seconds, 0.5));
report.value('reach_3_hops_count_mean_seconds_wall', (now() - wall) / timed.length);
report.value('reach_3_hops_count_mean_seconds_cpu', (cpu() - cpu0) / timed.length);
await db.run(`CREATE TABLE sources AS SELECT * FROM (VALUES ${sample.map((s) => `(${s})`).join(',')}) t(id)`);
wall = now(), cpu0 = cpu();
const batchHits = await scalar(reachSql('SELECT id AS s, id AS node FROM sources'));
report.row('reach_3_hops_batch/all_sources', 1, now() - wall);
report.value('reach_3_hops_batch_all_sources_seconds_wall', now() - wall);
report.value('reach_3_hops_batch_all_sources_seconds_cpu', cpu() - cpu0);
report.value('reach_3_hops_hits', batchHits);
if (step === 1 && batchHits !== hits) {
  console.error(`duckdb: batched reach gave ${batchHits} hits, one by one ${hits}`);
  process.exit(1);
}

// OFAC 50% fixpoint: a loop of INSERTs until no entity is added.
async function fixpoint() {
  await db.run('CREATE OR REPLACE TABLE blocked AS SELECT id FROM listed');
  let rounds = 0;
  for (;;) {
    ++rounds;
    const added = (await db.run(`INSERT INTO blocked
      SELECT s.dst FROM stakes s JOIN blocked b ON b.id = s.src
      WHERE NOT EXISTS (SELECT 1 FROM blocked x WHERE x.id = s.dst)
      GROUP BY s.dst HAVING sum(s.bp) >= 5000`)).rowsChanged;
    if (Number(added) === 0) break;
  }
  return { blocked: await scalar('SELECT count(*) FROM blocked'), rounds };
}
const first = await fixpoint();  // warm-up; its answer is the one every run must give
report.value('ofac_blocked_yes', first.blocked);
report.value('ofac_fixpoint_rounds', first.rounds);
const runs = [];
cpu0 = cpu();
for (let run = 1; run <= opts.runs; ++run) {
  const start = now();
  const answer = await fixpoint();
  runs.push(now() - start);
  if (answer.blocked !== first.blocked) {
    console.error(`duckdb: fixpoint gave ${answer.blocked}, then ${first.blocked}`);
    process.exit(1);
  }
  report.row('ofac_blocked_set', run, runs.at(-1));
}
report.value('ofac_blocked_set_median_seconds', percentile(runs, 0.5));
report.value('ofac_blocked_set_cpu_per_run', (cpu() - cpu0) / opts.runs);
report.value('peak_rss_mib', peakRssMib());
