// bench/peers/common.mjs: what every peer script shares: options, timing, TSV rows (the format
// of bench/harness.h: bench dataset nodes edges run seconds), answer lines, peak RSS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/// --dir DIR (from skg-gen) --dataset NAME --runs R --sources K --per-source N (sources timed
/// one query each, evenly spread over the K) --engine NAME (kuzu.mjs: kuzu or lbug)
export function options(argv = process.argv.slice(2)) {
  const out = { dir: '', dataset: '', runs: 5, sources: 1000, 'per-source': 1000, engine: 'kuzu' };
  for (let at = 0; at < argv.length; at += 2) {
    const key = argv[at].replace(/^--/, '');
    if (!(key in out) || at + 1 >= argv.length) {
      console.error(`unknown or incomplete option '${argv[at]}'; options: --dir DIR --dataset NAME --runs R --sources K --per-source N --engine NAME`);
      process.exit(2);
    }
    out[key] = typeof out[key] === 'number' ? Number(argv[at + 1]) : argv[at + 1];
  }
  if (!out.dir) {
    console.error('--dir DIR (a folder written by skg-gen) is required');
    process.exit(2);
  }
  if (!out.dataset) out.dataset = out.dir.replace(/\/+$/, '').split('/').pop();
  return out;
}

/// The sampled reach sources: the first column (the CSV id) of DIR/sources.txt.
export function sources(dir, limit) {
  return readFileSync(join(dir, 'sources.txt'), 'utf8').split('\n').filter(Boolean)
      .slice(0, limit).map((line) => Number(line.split('\t')[0]));
}

export const now = () => Number(process.hrtime.bigint()) / 1e9;
/// CPU seconds (user + system, every thread of the process) so far.
export const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
export const peakRssMib = () => process.resourceUsage().maxRSS / 1024;

export class Report {
  constructor(tool, dataset) {
    this.tool = tool;
    this.dataset = dataset;
    this.nodes = 0;
    this.edges = 0;
    if (!process.env.SKG_BENCH_NO_HEADER) console.log('bench\tdataset\tnodes\tedges\trun\tseconds');
  }
  row(bench, run, seconds) {
    console.log(`${bench}\t${this.dataset}\t${this.nodes}\t${this.edges}\t${run}\t${seconds.toFixed(6)}`);
  }
  value(name, number) {
    console.log(`value\t${this.tool}\t${name}\t${Number(number).toFixed(6)}`);
  }
}

export function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}
