// bench/peers/kuzu.mjs: Kuzu (in memory, through its Node.js package) on the files skg-gen
// wrote: load (COPY FROM the CSV files), 3-hop reach to listed parties with Cypher, peak RSS.
// Kuzu's repository was archived in October 2025; `--engine lbug` runs its maintained fork
// (LadybugDB, npm `lbug`, same API) with the same queries.
//   node kuzu.mjs --dir /tmp/skg-peers-1000000 --per-source 1000 [--engine lbug]
// Reach semantics as skg's (README.md): listed parties within 3 hops over every edge of
// edges.csv (OWNS, DIRECTOR_OF), either direction, each party once, the source itself counted
// when listed even if it has no links (Kuzu's variable-length match needs at least one hop).
import { join } from 'node:path';
import { Report, cpu, now, options, peakRssMib, percentile, sources } from './common.mjs';

const opts = options();
const engine = opts.engine ?? 'kuzu';
if (engine !== 'kuzu' && engine !== 'lbug') {
  console.error(`kuzu.mjs: --engine is kuzu or lbug, not '${engine}'`);
  process.exit(2);
}
let kuzu;
try {
  kuzu = (await import(engine)).default;
} catch (error) {
  // lbug 0.14.3's prebuilt module needs glibc 2.38; Debian 12 has 2.36. Say so and skip: the
  // run's other tools still compare.
  console.error(`kuzu.mjs: ${engine} cannot load on this machine, skipped: ${error.message.split('\n')[0]}`);
  process.exit(0);
}
const report = new Report(engine, opts.dataset);
const db = new kuzu.Database(':memory:');
const conn = new kuzu.Connection(db);
const all = async (sql) => (await conn.query(sql)).getAll();
const scalar = async (sql) => Number(Object.values((await all(sql))[0])[0]);

let wall = now(), cpu0 = cpu();
await all('CREATE NODE TABLE Party(id INT64, kind STRING, name STRING, listed INT8, PRIMARY KEY (id))');
await all('CREATE REL TABLE Link(FROM Party TO Party, kind STRING, share DOUBLE)');
await all(`COPY Party FROM '${join(opts.dir, 'nodes.csv')}' (HEADER = true)`);
await all(`COPY Link FROM '${join(opts.dir, 'edges.csv')}' (HEADER = true)`);
const loadWall = now() - wall, loadCpu = cpu() - cpu0;
report.nodes = await scalar('MATCH (p:Party) RETURN count(*)');
report.edges = await scalar('MATCH ()-[l:Link]->() RETURN count(*)');
report.row('load/kuzu', 1, loadWall);
report.value('load_seconds_wall', loadWall);
report.value('load_seconds_cpu', loadCpu);
report.value('rss_after_load_mib', peakRssMib());
report.value('listed', await scalar('MATCH (p:Party) WHERE p.listed = 1 RETURN count(*)'));

const sample = sources(opts.dir, opts.sources);
const step = Math.max(1, Math.floor(sample.length / Math.max(1, opts['per-source'])));
const timed = sample.filter((_, at) => at % step === 0);
// Two queries per source: the reach, and the source's own flag. (One query with OPTIONAL MATCH
// for both took ~1 s per source at 100k entities: Kuzu did not start the walk from the bound
// node; the plain MATCH takes ~7 ms.)
const reach = await conn.prepare(`MATCH (a:Party {id: $id})-[:Link*1..3]-(b:Party)
  WHERE b.listed = 1 AND b.id <> a.id RETURN count(DISTINCT b.id) AS others`);
const self = await conn.prepare('MATCH (a:Party {id: $id}) RETURN a.listed AS self');
const seconds = [];
let hits = 0;
wall = now(), cpu0 = cpu();
for (const source of timed) {
  const start = now();
  const [row] = await (await conn.execute(reach, { id: source })).getAll();
  const [own] = await (await conn.execute(self, { id: source })).getAll();
  hits += Number(own.self) + Number(row?.others ?? 0);
  seconds.push(now() - start);
}
report.row('reach_3_hops_count/per_source_p50', 1, percentile(seconds, 0.5));
report.row('reach_3_hops_count/per_source_p95', 1, percentile(seconds, 0.95));
report.value('reach_3_hops_timed_sources', timed.length);
report.value(timed.length === sample.length ? 'reach_3_hops_hits' : 'reach_3_hops_timed_sources_hits', hits);
report.value('reach_3_hops_count_p50_seconds', percentile(seconds, 0.5));
report.value('reach_3_hops_count_mean_seconds_wall', (now() - wall) / timed.length);
report.value('reach_3_hops_count_mean_seconds_cpu', (cpu() - cpu0) / timed.length);
report.value('peak_rss_mib', peakRssMib());
