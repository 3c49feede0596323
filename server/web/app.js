// server/web/app.js: the analysts' page on `skg serve`. Every view is drawn from the JSON API
// (server/README.md) with DOM calls only (no innerHTML of data, no library). Routes are in the
// hash, so each view can be bookmarked:
//   #/search?q=NAME&dob=&country=&kind=&threshold=&date=   ranked hits
//   #/party/ID?date=&rule=                                  a party: verdicts, chain, listings, links
//   #/batch?date=                                           upload a counterparty CSV
'use strict';

const RULES = [
  { id: 'ofac', label: 'OFAC (US)' },
  { id: 'eu', label: 'EU' },
  { id: 'uk', label: 'UK (OFSI)' },
  { id: 'bis', label: 'BIS (US)' },
];
const SVG_NS = 'http://www.w3.org/2000/svg';

// ---------------------------------------------------------------------------------------------
// Small helpers

const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === '') continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** GET or POST the API; a non-2xx answer throws its `detail` (the server's reason). */
async function api(path, init) {
  const response = await fetch(path, Object.assign({ headers: { Accept: 'application/json' } }, init || {}));
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    throw new Error(`${path}: HTTP ${response.status}, not JSON`);
  }
  if (!response.ok) throw new Error(body && body.detail ? body.detail : `${path}: HTTP ${response.status}`);
  return body;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

function status(id, text, isError) {
  const node = $(id);
  node.textContent = text || '';
  node.classList.toggle('error', Boolean(isError));
  if (isError) node.setAttribute('role', 'alert');
  else node.setAttribute('role', 'status');
}

const fmtScore = (value) => (typeof value === 'number' ? value.toFixed(2) : '');

function fmtShare(share) {
  if (share === null || share === undefined) return 'share unknown';
  if (typeof share === 'number') return `${share}%`;
  if (typeof share === 'object' && 'min' in share) return `${share.min}–${share.max}%`;
  return String(share);
}

function fmtDates(start, end) {
  if (!start && !end) return 'dates unknown';
  if (start && !end) return `from ${start}`;
  if (!start && end) return `until ${end}`;
  return `${start} – ${end}`;
}

function records(list) {
  return (list || []).join('; ');
}

function partyLink(party, day) {
  if (!party || !party.id) return el('span', { text: party ? party.name : '' });
  return el('a', { href: `#/party/${encodeURIComponent(party.id)}${query({ date: day })}`, text: party.name });
}

function table(node, head, rows, empty) {
  clear(node);
  if (!rows.length) {
    node.append(el('tbody', {}, el('tr', {}, el('td', { class: 'muted', text: empty || 'none' }))));
    return;
  }
  node.append(el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))));
  node.append(el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell) =>
    cell instanceof Node && cell.tagName === 'TD' ? cell : el('td', {}, cell))))));
}

// ---------------------------------------------------------------------------------------------
// Routing: #/view/arg?params

function route() {
  const hash = location.hash.replace(/^#/, '') || '/search';
  const [path, search] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  return { view: parts[0] || 'search', arg: parts[1] ? decodeURIComponent(parts[1]) : '', params: new URLSearchParams(search || '') };
}

function go(view, arg, params) {
  location.hash = `#/${view}${arg ? `/${encodeURIComponent(arg)}` : ''}${query(params)}`;
}

let serverDay = '';  // the server's default day (its --as-of, else today)
let defaultThreshold = null;

function currentDay() {
  return route().params.get('date') || serverDay;
}

function show(view) {
  for (const name of ['search', 'party', 'batch']) $(`view-${name}`).hidden = name !== view;
  $('nav-search').toggleAttribute('aria-current', view === 'search');
  if (view === 'search') $('nav-search').setAttribute('aria-current', 'page');
  $('nav-batch').toggleAttribute('aria-current', view === 'batch');
  if (view === 'batch') $('nav-batch').setAttribute('aria-current', 'page');
}

let generation = 0;  // a render that a newer one has overtaken draws nothing
let shown = '';       // the view and party on screen: moving to another puts focus at the top

async function render() {
  const mine = ++generation;
  const { view, arg, params } = route();
  if (`${view}/${arg}` !== shown) {
    shown = `${view}/${arg}`;
    if (document.activeElement && document.activeElement !== document.body && !$('date-form').contains(document.activeElement) &&
        !$('search-form').contains(document.activeElement)) {
      $('main').focus();  // a followed link is gone: keyboard users go on from the new view's top
      window.scrollTo(0, 0);
    }
  }
  $('as-of').value = currentDay();
  for (const node of document.querySelectorAll('.day')) node.textContent = currentDay();
  if (view === 'party' && arg) {
    show('party');
    await renderParty(arg, params, () => mine !== generation);
  } else if (view === 'batch') {
    show('batch');
  } else {
    show('search');
    await renderSearch(params, () => mine !== generation);
  }
}

// ---------------------------------------------------------------------------------------------
// Search

async function renderSearch(params, stale) {
  const q = params.get('q') || '';
  $('q').value = q;
  $('dob').value = params.get('dob') || '';
  $('country').value = params.get('country') || '';
  $('kind').value = params.get('kind') || '';
  $('threshold').value = params.get('threshold') || (defaultThreshold ?? '');
  const list = clear($('search-results'));
  if (!q) {
    status('search-status', 'Type a name and press Enter.');
    return;
  }
  status('search-status', `Searching for “${q}”…`);
  let answer;
  try {
    answer = await api(`/search/default${query({
      q, dob: params.get('dob'), country: params.get('country'), schema: params.get('kind'),
      threshold: params.get('threshold'), as_of: currentDay(), limit: 20,
    })}`);
  } catch (error) {
    if (!stale()) status('search-status', error.message, true);
    return;
  }
  if (stale()) return;
  if (!params.get('threshold')) {
    defaultThreshold = answer.threshold;  // the server's calibrated default, shown to be changed
    $('threshold').value = answer.threshold;
  }
  const count = answer.results.length;
  status('search-status', `${count}${answer.total.relation === 'gte' ? '+' : ''} hit${count === 1 ? '' : 's'} ` +
    `for “${q}” at threshold ${answer.threshold} on ${answer.as_of} (lower the threshold to see weaker matches).`);
  for (const hit of answer.results) list.append(renderHit(hit, answer.as_of));
}

function why(explanation) {
  const parts = [];
  for (const id of explanation.identifiers || []) parts.push(`identifier ${id.label || id.type} ${id.number} = ${id.attribute} (${id.record})`);
  const pairs = (explanation.tokens || []).map((t) => (t.how === 'exact' ? t.query : `${t.query}→${t.name} (${t.how})`));
  if (pairs.length) parts.push(`words: ${pairs.join(', ')}`);
  if ((explanation.unmatched_query_tokens || []).length) parts.push(`not matched: ${explanation.unmatched_query_tokens.join(', ')}`);
  if ((explanation.ignored_query_tokens || []).length) parts.push(`ignored: ${explanation.ignored_query_tokens.join(', ')}`);
  for (const note of explanation.secondary_evidence || []) parts.push(`${note.fact} ${note.effect} ${note.delta >= 0 ? '+' : ''}${note.delta}: ${note.text}`);
  return parts.join('; ');
}

function listingLine(listing) {
  return el('li', {},
    el('span', { class: `badge ${listing.status}`, text: listing.status.replace('_', ' ') }), ' ',
    [listing.authority, listing.list, listing.program].filter(Boolean).join(' · '),
    listing.measures ? ` (${listing.measures})` : '', ' ', el('span', { class: 'muted', text: fmtDates(listing.start, listing.end) }));
}

function renderHit(hit, day) {
  const listings = hit.explanation.listings || [];
  return el('li', { class: 'hit' },
    el('div', { class: 'hit-head' },
      el('span', { class: 'score', title: 'calibrated score', text: fmtScore(hit.score) }),
      el('strong', {}, partyLink({ id: hit.id, name: hit.caption }, day)),
      el('span', { class: 'muted', text: `${hit.schema} · ${hit.id}` }),
      hit.target ? el('span', { class: 'badge listed', text: 'listed on the day' }) : null),
    el('div', {}, 'matched name: ', el('q', { text: hit.matched_name }), ` (${hit.explanation.name_type})`),
    el('div', { class: 'muted' }, 'why: ', why(hit.explanation)),
    listings.length ? el('ul', { class: 'listings' }, listings.map(listingLine)) : el('div', { class: 'muted', text: 'no listing' }));
}

// ---------------------------------------------------------------------------------------------
// A party

async function renderParty(id, params, stale) {
  const day = currentDay();
  const enc = encodeURIComponent(id);
  status('party-status', `Loading ${id} on ${day}…`);
  let entity;
  let exposures;
  let owners;
  let subsidiaries;
  try {
    [entity, exposures, owners, subsidiaries] = await Promise.all([
      api(`/entities/${enc}${query({ as_of: day })}`),
      Promise.all(RULES.map((rule) => api(`/exposure/${enc}${query({ rule: rule.id, as_of: day })}`))),
      api(`/owners/${enc}${query({ as_of: day, depth: 5 })}`),
      api(`/subsidiaries/${enc}${query({ as_of: day, depth: 5 })}`),
    ]);
  } catch (error) {
    if (!stale()) status('party-status', error.message, true);
    return;
  }
  if (stale()) return;
  const show = entity.skg;
  $('party-title').textContent = show.entity.name;
  $('party-sub').textContent = `${show.entity.kind} · ${show.ids.join(', ')}${show.listed ? ' · listed on ' + day : ' · not listed on ' + day}`;
  document.title = `${show.entity.name} · skg`;
  status('party-status', '');
  $('party-json').replaceChildren(...[
    `/entities/${enc}?as_of=${day}`, ...RULES.map((r) => `/exposure/${enc}?rule=${r.id}&as_of=${day}`),
    `/owners/${enc}?as_of=${day}`, `/subsidiaries/${enc}?as_of=${day}`,
  ].flatMap((href, at) => [at ? ', ' : '', el('a', { href, text: href })]));

  // Verdicts, side by side; the one chosen (?rule=) is drawn.
  const chosen = params.get('rule') || pickRule(exposures);
  const cards = clear($('verdicts'));
  cards.dataset.entity = id;  // what the verdicts are about (tests wait on these)
  cards.dataset.asOf = day;
  exposures.forEach((answer, at) => {
    const rule = RULES[at];
    const state = answer.listed ? 'listed' : answer.verdict === 'yes' ? 'blocked' : answer.verdict === 'possibly' ? 'possibly' : 'clear';
    const text = answer.listed ? 'listed' : answer.verdict === 'yes' ? 'blocked' : answer.verdict === 'possibly' ? 'possibly blocked' : 'not blocked';
    cards.append(el('button', {
      type: 'button', class: 'verdict', 'data-rule': rule.id, 'data-listed': String(answer.listed),
      'data-verdict': answer.verdict, 'aria-pressed': String(rule.id === chosen),
      title: 'Draw this rule’s chain', onclick: () => go('party', id, { date: day, rule: rule.id }),
    },
    el('span', { class: 'rule', text: rule.label }),
    el('span', { class: 'answer' }, el('span', { class: `badge ${state}`, text })),
    el('span', { class: 'small', text: `listed: ${answer.listed ? 'yes' : 'no'} · blocked: ${answer.verdict}` +
      (!answer.listed && answer.verdict !== 'no' ? ` · blocked ownership ${answer.aggregate_percent ?? `${answer.aggregate_min}–${answer.aggregate_max}`}%` : '') }),
    el('span', { class: 'small', text: answer.consequence || '' }),
    el('span', { class: 'small', text: `${answer.cautions.length} caution${answer.cautions.length === 1 ? '' : 's'}` })));
  });
  const answer = exposures[RULES.findIndex((r) => r.id === chosen)] || exposures[0];
  drawChain($('chain'), answer, day);
  ruleDetail($('rule-detail'), answer, day);

  // Names in every script; identifiers and other facts with their records.
  table($('names'), ['Name', 'Type', 'Strength'], show.names.map((n) => [n.name, n.type, n.strength]));
  table($('facts'), ['Fact', 'Value', 'Record'], [
    ...show.ids.map((i) => ['id', i, el('td', { class: 'records', text: 'skg id' })]),
    ...show.attributes.map((a) => [a.key, a.value, el('td', { class: 'records', text: a.record })]),
  ]);
  table($('listings'), ['On the day', 'Authority', 'List', 'Program', 'Measure', 'Dates', 'Records'],
    show.listings.map((l) => [el('span', { class: `badge ${l.status}`, text: l.status.replace('_', ' ') }),
      l.authority || '', l.list || '', l.program || '', [l.measures, ...(l.measure_types || [])].filter(Boolean).join('; '),
      fmtDates(l.start, l.end) + (l.date_unknown ? ' (date unknown)' : ''), el('td', { class: 'records', text: records(l.records) })]),
    'no listing');
  const step = (s, key) => [partyLink(s[key], day), s.kind, fmtShare(s.share), s.depth, fmtDates(s.start, s.end),
    el('td', { class: 'records', text: records(s.records) })];
  table($('owners'), ['Owner', 'Link', 'Share', 'Depth', 'Dates', 'Records'], owners.owners.map((s) => step(s, 'party')), 'no owner in the data');
  table($('subsidiaries'), ['Subsidiary', 'Link', 'Share', 'Depth', 'Dates', 'Records'],
    subsidiaries.subsidiaries.map((s) => step(s, 'party')), 'no subsidiary in the data');
  const others = show.links.filter((l) => l.kind.toLowerCase() !== 'owns');
  table($('links'), ['Direction', 'Kind', 'Party', 'Role', 'Dates', 'Records'],
    others.map((l) => [l.direction === 'out' ? '→' : '←', l.kind, partyLink(l.other, day), l.role || '', fmtDates(l.start, l.end),
      el('td', { class: 'records', text: records(l.records) })]), 'none');
  const recs = clear($('records'));
  for (const r of show.records || []) recs.append(el('li', { text: r }));
}

/** The rule to draw first: one whose answer has a chain, preferring a blocked one, else OFAC. */
function pickRule(exposures) {
  let best = 0;
  let bestScore = -1;
  exposures.forEach((answer, at) => {
    const score = (answer.verdict === 'yes' ? 4 : answer.verdict === 'possibly' ? 2 : 0) +
      (answer.reasons.some((r) => r.chain.length) ? 1 : 0);
    if (score > bestScore) { best = at; bestScore = score; }
  });
  return RULES[best].id;
}

function ruleDetail(node, answer, day) {
  clear(node);
  node.append(el('h3', { text: `${answer.rule_name} on ${day}` }));
  node.append(el('p', {}, el('strong', { text: 'Rule: ' }), `${answer.rule_id} · ${answer.rule_citation}`));
  const list = (title, items) => {
    node.append(el('p', {}, el('strong', { text: title })));
    if (!items.length) { node.append(el('p', { class: 'muted', text: 'none' })); return; }
    node.append(el('ul', {}, items.map((r) => el('li', {}, r.text,
      (r.actions || []).length ? el('div', { class: 'muted', text: r.actions.map((a) =>
        [a.authority, a.list, a.program, fmtDates(a.start, a.end), records(a.records)].filter(Boolean).join(' · ')).join(' | ') }) : null))));
  };
  list('What decides the verdict', answer.reasons);
  list('Cautions', answer.cautions);
}

// ---------------------------------------------------------------------------------------------
// The chain as SVG: parties coloured by their state under the rule on the day (from the
// answer's `parties`), links labelled with share and dates; the deciding chains (reasons)
// bold, the cautions dashed.

const STATE_TEXT = { listed: 'listed', blocked: 'blocked', possibly: 'possibly blocked', clear: 'clear' };

function drawChain(container, answer, day) {
  clear(container);
  const states = new Map((answer.parties || []).map((p) => [p.id, p]));
  const nodes = new Map();
  const edges = new Map();
  const subject = answer.entity.id;
  const addNode = (party) => { if (!nodes.has(party.id)) nodes.set(party.id, { party, level: 0 }); };
  addNode(answer.entity);
  const addChains = (reasons, deciding) => {
    for (const reason of reasons) {
      for (const step of reason.chain) {
        addNode(step.from);
        addNode(step.to);
        const key = `${step.from.id}>${step.to.id}>${step.kind}`;
        const old = edges.get(key);
        if (!old) edges.set(key, { step, deciding });
        else old.deciding = old.deciding || deciding;
      }
    }
  };
  addChains(answer.reasons, true);
  addChains(answer.cautions, false);
  if (!edges.size) {
    container.append(el('p', { class: 'muted', text: `No chain under ${answer.rule_name} on ${day}: ` +
      (answer.listed ? 'the party is listed itself.' : 'no ownership or control link to a listed party counts.') }));
  }
  // Levels: longest distance from a party no chain link points to (the designated end at the top).
  for (let round = 0; round < nodes.size; ++round) {
    let moved = false;
    for (const { step } of edges.values()) {
      const from = nodes.get(step.from.id);
      const to = nodes.get(step.to.id);
      if (to.level < from.level + 1 && from.level + 1 < nodes.size) { to.level = from.level + 1; moved = true; }
    }
    if (!moved) break;
  }
  // The subject at the bottom.
  const maxLevel = Math.max(...[...nodes.values()].map((n) => n.level));
  nodes.get(subject).level = Math.max(maxLevel, nodes.get(subject).level);
  // Each level in rows of at most PER_ROW, every other row shifted by half a slot so that the
  // links of a row above run down between the boxes of the row below; under each level a band
  // for the links' labels (two heights, alternating by row, so that neighbours never overlap).
  const W = 170;
  const H = 46;
  const GAP_X = 24;
  const SLOT = W + GAP_X;
  const ROW_GAP = 26;
  const LABEL_BAND = 64;
  const CURVE = 70;
  const PER_ROW = 6;
  const byLevel = new Map();
  for (const node of nodes.values()) {
    if (!byLevel.has(node.level)) byLevel.set(node.level, []);
    byLevel.get(node.level).push(node);
  }
  let y = 40;
  let width = 780;  // room for the legend
  const levels = [...byLevel.keys()].sort((p, q) => p - q);
  const rows = [];
  for (const level of levels) {
    const members = byLevel.get(level);
    const count = Math.ceil(members.length / PER_ROW);
    for (let row = 0; row < count; ++row) {
      const part = members.slice(row * PER_ROW, (row + 1) * PER_ROW);
      const shift = row % 2 ? SLOT / 2 : 0;
      rows.push({ part, y, shift, row });
      width = Math.max(width, part.length * SLOT - GAP_X + shift + 16);
      y += H + (row + 1 < count ? ROW_GAP : 0);
    }
    for (const node of members) node.exit = y;  // the bottom of the level's last row
    y += LABEL_BAND + CURVE;
  }
  for (const { part, y: top, shift, row } of rows) {
    const members = byLevel.get(part[0].level).length;
    const extent = Math.min(PER_ROW, members) * SLOT - GAP_X + (members > PER_ROW ? SLOT / 2 : 0);
    const start = (width - extent) / 2 + shift;
    part.forEach((node, at) => { node.x = start + at * SLOT; node.y = top; node.row = row; });
  }
  const height = y - LABEL_BAND - CURVE + 16;
  const picture = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `Chain under ${answer.rule_name} on ${day}: ${nodes.size} parties, ${edges.size} links` });
  picture.append(svg('title', { text: `Exposure chain of ${answer.entity.name} under ${answer.rule_name} on ${day}` }));
  const defs = svg('defs');
  defs.append(svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' },
    svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#333' })));
  picture.append(defs);
  const edgeLayer = svg('g', { class: 'edges' });
  const labelLayer = svg('g', { class: 'labels' });
  for (const { step, deciding } of edges.values()) {
    const a = nodes.get(step.from.id);
    const b = nodes.get(step.to.id);
    const x1 = a.x + W / 2;
    const y1 = a.y + H;
    const x2 = b.x + W / 2;
    const y2 = b.y;
    // Straight down out of the level (past its other rows and the label band), then a curve.
    const down = Math.min(a.exit + LABEL_BAND, y2 - 10);
    const mid = (down + y2) / 2;
    const group = svg('g', { class: `edge ${deciding ? 'deciding' : 'caution'}`, 'data-kind': step.kind });
    group.append(svg('path', { d: `M ${x1} ${y1} L ${x1} ${down} C ${x1} ${mid} ${x2} ${mid} ${x2} ${y2}`, 'marker-end': 'url(#arrow)' }));
    group.append(svg('title', { text: `${step.from.name} ${step.kind} ${step.to.name}: ${fmtShare(step.share)}, ${fmtDates(step.start, step.end)}; ${records(step.records)}` }));
    edgeLayer.append(group);
    const lx = x1;
    const ly = a.exit + 16 + (a.row % 2) * 28;
    const kind = step.kind.toLowerCase().replace(/_/g, ' ');
    const line1 = `${step.interest && step.interest !== 'unspecified' ? step.interest : kind}` +
      `${kind === 'owns' || step.share !== null ? ' · ' + fmtShare(step.share) : ''}`;
    const line2 = fmtDates(step.start, step.end);
    const label = svg('g', { class: `edge ${deciding ? 'deciding' : 'caution'}` });
    label.append(svg('rect', { x: lx - 46, y: ly - 11, width: 92, height: 24, rx: 3 }));
    label.append(svg('text', { x: lx, y: ly, 'text-anchor': 'middle', text: line1 }));
    label.append(svg('text', { x: lx, y: ly + 10, 'text-anchor': 'middle', text: line2 }));
    labelLayer.append(label);
  }
  picture.append(edgeLayer);
  const nodeLayer = svg('g', { class: 'nodes' });
  for (const node of nodes.values()) {
    const known = states.get(node.party.id);
    const state = known ? known.state : 'clear';
    const link = svg('a', { href: `#/party/${encodeURIComponent(node.party.id)}${query({ date: day, rule: answer.rule })}` });
    const group = svg('g', { class: `node ${state}${node.party.id === subject ? ' subject' : ''}`, 'data-id': node.party.id, 'data-state': state });
    group.append(svg('rect', { x: node.x, y: node.y, width: W, height: H, rx: 6 }));
    const name = node.party.name.length > 26 ? `${node.party.name.slice(0, 25)}…` : node.party.name;
    group.append(svg('text', { x: node.x + 8, y: node.y + 18, text: name }));
    group.append(svg('text', { class: 'state', x: node.x + 8, y: node.y + 35, text: `${STATE_TEXT[state]} · ${node.party.kind}` }));
    group.append(svg('title', { text: `${node.party.name} (${node.party.id}): ${STATE_TEXT[state]} under ${answer.rule_name} on ${day}` }));
    link.append(group);
    nodeLayer.append(link);
  }
  picture.append(nodeLayer);
  picture.append(labelLayer);
  // Legend.
  const legend = svg('g', { class: 'legend' });
  ['listed', 'blocked', 'possibly', 'clear'].forEach((state, at) => {
    const g = svg('g', { class: `node ${state}` });
    g.append(svg('rect', { x: 8 + at * 130, y: 8, width: 14, height: 14, rx: 2 }));
    legend.append(g);
    legend.append(svg('text', { x: 28 + at * 130, y: 19, text: STATE_TEXT[state] }));
  });
  legend.append(svg('text', { x: 8 + 4 * 130, y: 19, text: 'bold: deciding · dashed: caution' }));
  picture.append(legend);
  container.append(picture);
}

// ---------------------------------------------------------------------------------------------
// Batch screening

let lastBatch = null;

function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function batchCsv(answer) {
  const head = ['line', 'ref', 'name', 'status', 'hits', 'score', 'certain', 'entity_id', 'entity_name', 'kind',
    'matched_name', 'listed', 'listings', 'why', 'other_candidates', 'error'];
  const lines = [head.join(',')];
  for (const row of answer.results) {
    const best = row.hits[0];
    const listings = best ? (best.listings || []).filter((l) => l.status === 'in_force')
      .map((l) => [l.authority, l.list, l.program].filter(Boolean).join(' ')).join(' | ') : '';
    lines.push([row.line, row.ref, row.input.name, row.status, row.hits.length,
      best ? best.score.toFixed(2) : '', best ? (best.certain ? 'yes' : 'no') : '', best ? best.entity.id : '',
      best ? best.entity.name : '', best ? best.entity.kind : '', best ? best.matched_name : '',
      best ? (best.listed ? 'yes' : 'no') : '', listings, best ? why(best) : '',
      row.hits.slice(1).map((h) => `${h.entity.id} (${h.score.toFixed(2)})`).join('; '), row.error].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function submitBatch(event) {
  event.preventDefault();
  const file = $('batch-file').files[0];
  $('batch-download').hidden = true;
  clear($('batch-results'));
  if (!file) {
    status('batch-status', 'Choose a CSV file first.', true);
    return;
  }
  status('batch-status', `Screening ${file.name}…`);
  const day = currentDay();
  let answer;
  try {
    answer = await api(`/batch${query({ as_of: day, threshold: $('batch-threshold').value, name: file.name })}`, {
      method: 'POST', headers: { 'Content-Type': 'text/csv', Accept: 'application/json' }, body: await file.text(),
    });
  } catch (error) {
    status('batch-status', `The file cannot be screened: ${error.message}`, true);
    return;
  }
  lastBatch = answer;
  status('batch-status', `${answer.rows} row${answer.rows === 1 ? '' : 's'} of ${answer.name} (${answer.format}) on ${answer.as_of}: ` +
    `${answer.matched} with hits, ${answer.errors} error${answer.errors === 1 ? '' : 's'}, threshold ${answer.threshold}.`, false);
  table($('batch-results'), ['Line', 'Ref', 'Name', 'Status', 'Score', 'Best hit', 'Listed', 'Listings on the day', 'Why / error'],
    answer.results.map((row) => {
      const best = row.hits[0];
      return [row.line, row.ref || '', row.input.name || row.input.id || '',
        el('span', { class: `badge ${row.status === 'match' ? 'listed' : row.status === 'error' ? 'blocked' : 'clear'}`, text: row.status }),
        best ? fmtScore(best.score) : '', best ? partyLink(best.entity, day) : '', best ? (best.listed ? 'yes' : 'no') : '',
        best ? (best.listings || []).filter((l) => l.status === 'in_force').map((l) => [l.authority, l.list, l.program].filter(Boolean).join(' ')).join(' | ') : '',
        row.error || (best ? why(best) : '')];
    }), 'no rows');
  $('batch-download').hidden = false;
}

function downloadBatch() {
  if (!lastBatch) return;
  const blob = new Blob([batchCsv(lastBatch)], { type: 'text/csv' });
  const link = el('a', { href: URL.createObjectURL(blob), download: `${lastBatch.name.replace(/\.[^.]*$/, '')}-screened-${lastBatch.as_of}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

// ---------------------------------------------------------------------------------------------

async function start() {
  // The server's day (its --as-of, else today): the date of an answer asked without as_of.
  serverDay = new Date().toISOString().slice(0, 10);
  try {
    const ready = await fetch('/readyz').then((r) => r.json());
    $('data-info').textContent = `${ready.nodes} nodes, ${ready.edges} edges`;
    if (ready.as_of) serverDay = ready.as_of;
  } catch (error) {
    $('data-info').textContent = 'the server does not answer';
  }
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    go('search', '', { q: $('q').value.trim(), dob: $('dob').value.trim(), country: $('country').value.trim(),
      kind: $('kind').value, threshold: $('threshold').value, date: currentDay() });
  });
  $('date-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setDay($('as-of').value);
  });
  $('as-of').addEventListener('change', () => setDay($('as-of').value));
  $('batch-form').addEventListener('submit', submitBatch);
  $('batch-download').addEventListener('click', downloadBatch);
  window.addEventListener('hashchange', render);
  await render();
}

function setDay(day) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
  const { view, arg, params } = route();
  if (params.get('date') === day) return;
  params.set('date', day);
  go(view, arg, Object.fromEntries(params));
}

document.addEventListener('DOMContentLoaded', start);
