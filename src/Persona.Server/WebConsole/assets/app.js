// The Persona console: one ES module, no build step and no third-party code (docs/CONSOLE.md says why).
// Every page reads the public API with the key the user gives (kept in this browser's local storage); the
// user page follows the profile over server-sent events read with fetch, so that the key travels as a header.

const KEY_STORAGE = 'persona.apiKey';
let apiKey = localStorage.getItem(KEY_STORAGE) || '';
let pageAbort = new AbortController();

// ---------- HTTP ----------

class ApiError extends Error {
  constructor(status, title, detail) {
    super(`${status} ${title}${detail ? ': ' + detail : ''}`);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

function request(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (apiKey) headers.Authorization = 'Bearer ' + apiKey;
  return fetch(path, { ...options, headers, signal: options.signal || pageAbort.signal });
}

async function failure(response) {
  let title = response.statusText;
  let detail = '';
  try {
    const problem = await response.json();
    title = problem.title || title;
    detail = problem.detail || '';
  } catch {
    // not problem+json
  }
  return new ApiError(response.status, title, detail);
}

async function getJson(path, options) {
  const response = await request(path, options);
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

function sendJson(method, path, body) {
  return getJson(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

// Reads a text/event-stream response and calls onEvent(type, data) for each event until the stream ends.
async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) type = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) onEvent(type, data.join('\n'));
    }
  }
}

// ---------- DOM ----------

// Builds an element; strings become text nodes (never HTML), so API data cannot inject markup.
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

function card(title, id, ...children) {
  return h('section', { class: 'card', id }, h('h2', {}, title), ...children);
}

function link(href, text) {
  return h('a', { href, 'data-link': true }, text);
}

const number = (value, digits = 3) => (value === undefined || value === null ? '—' : Number(value).toFixed(digits).replace(/\.?0+$/, '') || '0');
const percent = (value) => (value === undefined || value === null ? '—' : (100 * value).toFixed(1) + ' %');
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const featureName = (feature) => feature.replace(/^(category|brand|tag|price):/, '');

function banner(message) {
  const element = document.getElementById('banner');
  element.hidden = !message;
  element.textContent = message || '';
}

// Says what a failed call means for the person at the screen: no key, the wrong key, or a fault.
function explain(error, what) {
  if (!(error instanceof ApiError)) return `${what}: ${error.message}`;
  if (error.status === 401) return `${what} needs an API key: enter one above (persona keys add prints it).`;
  if (error.status === 403) return `${what}: your key lacks the scope it needs. ${error.detail}`;
  return `${what}: ${error.message}`;
}

// ---------- Pages ----------

async function homePage(main) {
  replace(main,
    h('h1', {}, 'Persona console'),
    h('div', { class: 'grid' },
      card('Users', 'home-users', h('p', {}, 'Open a live profile with the box above, or go to a deep link such as /ui/users/USER_ID.')),
      card('Pages', 'home-pages', h('ul', { class: 'plain' },
        h('li', {}, link('/ui/segments', 'Segments'), ': rules, live member counts, the enter/leave stream, export'),
        h('li', {}, link('/ui/analysis', 'Analysis'), ': funnels, cohorts, interests, habits, price sensitivity, churn risk, satisfaction'),
        h('li', {}, link('/ui/experiments', 'Experiments'), ': the running A/B test and its intervals'),
        h('li', {}, link('/ui/models', 'Models'), ': the registry, promote and roll back (admin)'),
        h('li', {}, link('/ui/system', 'System'), ': ingest rate, freshness, health, store and models')))));
}

async function userPage(main, userId) {
  const status = h('span', { class: 'status', id: 'stream-status' }, 'connecting');
  const summary = card('Profile', 'summary', h('p', { class: 'muted' }, 'Waiting for the profile…'));
  const interests = card('Interests', 'interests');
  const timeline = card('Recent activity', 'timeline');
  const predictions = card('Predictions', 'predictions');
  const satisfaction = card('Satisfaction', 'satisfaction');
  const segments = card('Segments', 'segments');
  const recommendations = card('Recommendations', 'recommendations');
  replace(main, h('h1', {}, 'User ', h('span', { id: 'user-id' }, userId), status),
    h('div', { class: 'grid' }, summary, interests, satisfaction, predictions, segments, recommendations, timeline));

  let extrasDue = null;
  const refreshExtras = () => {
    // Segments and recommendations follow the profile; several events in a burst refresh them once.
    clearTimeout(extrasDue);
    extrasDue = setTimeout(() => loadExtras(userId, segments, recommendations), 150);
  };

  const signal = pageAbort.signal;
  while (!signal.aborted) {
    try {
      const response = await request(`/v1/users/${encodeURIComponent(userId)}/profile/stream`, { headers: { accept: 'text/event-stream' } });
      if (!response.ok) throw await failure(response);
      status.textContent = 'live';
      status.classList.add('live');
      banner('');
      await readEvents(response, (type, data) => {
        if (type === 'none') {
          replace(summary, h('h2', {}, 'Profile'), h('p', { class: 'muted', id: 'no-profile' }, 'No events for this user yet: the page fills in as they arrive.'));
          return;
        }
        if (type !== 'profile') return;
        const profile = JSON.parse(data);
        renderProfile(profile, { summary, interests, timeline, predictions, satisfaction });
        refreshExtras();
      });
    } catch (error) {
      if (signal.aborted) return;
      status.textContent = 'disconnected';
      status.classList.remove('live');
      banner(explain(error, 'The live profile'));
      if (error instanceof ApiError && (error.status === 401 || error.status === 403 || error.status === 400)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000)); // reconnect after a dropped stream
  }
}

function renderProfile(p, parts) {
  replace(parts.summary, h('h2', {}, 'Profile'), h('dl', { class: 'facts' },
    h('dt', {}, 'Lifecycle'), h('dd', { id: 'lifecycle' }, p.lifecycle),
    h('dt', {}, 'Events'), h('dd', { id: 'event-count' }, p.eventCount),
    h('dt', {}, 'First seen'), h('dd', {}, when(p.firstSeen)),
    h('dt', {}, 'Last seen'), h('dd', {}, when(p.lastSeen)),
    h('dt', {}, 'Purchases'), h('dd', {}, `${p.rfm.frequency} (${number(p.rfm.monetary, 2)} spent)`),
    h('dt', {}, 'Conversion'), h('dd', {}, percent(p.conversionRate)),
    h('dt', {}, 'Cart abandonment'), h('dd', {}, percent(p.cartAbandonmentRate)),
    h('dt', {}, 'Sessions'), h('dd', {}, `${p.sessions.count}`)));

  const rows = [
    ...p.interests.categories.slice(0, 6).map((i) => ({ ...i, kind: 'category' })),
    ...p.interests.brands.slice(0, 4).map((i) => ({ ...i, kind: 'brand' })),
  ];
  const top = p.interests.categories[0] || p.interests.brands[0];
  replace(parts.interests, h('h2', {}, 'Interests'),
    top ? h('p', {}, 'Top: ', h('strong', { id: 'top-interest', 'data-feature': top.feature }, featureName(top.feature))) : h('p', { class: 'muted' }, 'No interests yet.'),
    rows.length ? interestChart(rows) : null);

  replace(parts.timeline, h('h2', {}, 'Recent activity'), p.recentItems.length
    ? h('table', { id: 'timeline-table' }, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Event'), h('th', {}, 'Item')),
      p.recentItems.slice(0, 20).map((r) => h('tr', { 'data-item': r.itemId }, h('td', {}, when(r.time)), h('td', {}, r.type), h('td', {}, r.itemId))))
    : h('p', { class: 'muted' }, 'No item events yet.'));

  const pr = p.predictions;
  replace(parts.predictions, h('h2', {}, 'Predictions'), pr
    ? h('dl', { class: 'facts' },
      h('dt', {}, 'Churn risk'), h('dd', { id: 'churn-risk' }, percent(pr.churnRisk)),
      h('dt', {}, 'Purchase propensity'), h('dd', {}, percent(pr.purchasePropensity)),
      h('dt', {}, 'Predicted interests'), h('dd', {}, (pr.predictedInterests || []).slice(0, 3).map((i) => `${featureName(i.label)} ${percent(i.probability)}`).join(', ') || '—'),
      h('dt', {}, 'Models'), h('dd', { class: 'muted' }, Object.values(pr.models || {}).join(', ')))
    : h('p', { class: 'muted' }, 'No model is served: the profile is the engine\'s alone.'));

  const s = p.satisfaction;
  replace(parts.satisfaction, h('h2', {}, 'Satisfaction'), s
    ? h('dl', { class: 'facts' },
      h('dt', {}, 'Level'), h('dd', { id: 'satisfaction-level', class: 'level-' + s.level }, s.level),
      h('dt', {}, 'Score'), h('dd', {}, number(s.score)),
      h('dt', {}, 'Evidence'), h('dd', {}, `${number(s.evidence, 2)} (${s.signals} signals)`),
      h('dt', {}, 'Ratings'), h('dd', {}, p.ratingCount ? `${p.ratingCount}, mean ${number(p.ratingMean, 2)}` : '—'))
    : h('p', { class: 'muted' }, 'No rating, review or return yet.'));
}

// Horizontal bars of scores from 0 to 1, labelled with the score or a label of their own, drawn as SVG without a library.
function interestChart(rows, id = 'interest-chart') {
  const width = 300;
  const labelWidth = 120;
  const rowHeight = 22;
  const chart = svg('svg', { class: 'bars', id, width, height: rows.length * rowHeight, role: 'img', 'aria-label': 'Bar chart' });
  rows.forEach((row, i) => {
    const y = i * rowHeight;
    const bar = Math.max(2, Math.round((width - labelWidth - 40) * Math.min(1, row.score)));
    chart.append(
      svg('text', { x: 0, y: y + 15 }, featureName(row.feature).slice(0, 18)),
      svg('rect', { class: 'bar ' + row.kind, x: labelWidth, y: y + 4, width: bar, height: 14, rx: 3 }),
      svg('text', { x: labelWidth + bar + 6, y: y + 15 }, row.label ?? number(row.score, 2)));
  });
  return chart;
}

async function loadExtras(userId, segments, recommendations) {
  const id = encodeURIComponent(userId);
  try {
    const mine = await getJson(`/v1/users/${id}/segments`);
    replace(segments, h('h2', {}, 'Segments'), mine.segments.length
      ? h('ul', { class: 'plain', id: 'segment-list' }, mine.segments.map((name) => h('li', {}, link('/ui/segments', name))))
      : h('p', { class: 'muted' }, 'In no segment.'));
  } catch (error) {
    if (!pageAbort.signal.aborted) replace(segments, h('h2', {}, 'Segments'), h('p', { class: 'muted' }, explain(error, 'Segments')));
  }
  try {
    // preview: looking is not showing, so the answer is not logged as an impression.
    const answer = await getJson(`/v1/users/${id}/recommendations?k=10&preview=true`);
    replace(recommendations, h('h2', {}, 'Recommendations'), h('p', { class: 'muted' }, `policy ${answer.model}`),
      h('ol', { class: 'items', id: 'recommendation-list' }, answer.items.map((item, i) =>
        h('li', { 'data-item': item.itemId }, h('span', { id: i === 0 ? 'first-recommendation' : undefined }, item.itemId),
          item.reasons.length ? h('div', { class: 'reason' }, item.reasons.join('; ')) : null))));
  } catch (error) {
    if (!pageAbort.signal.aborted) replace(recommendations, h('h2', {}, 'Recommendations'), h('p', { class: 'muted' }, explain(error, 'Recommendations')));
  }
}

async function segmentsPage(main) {
  const list = card('Segments', 'segment-table');
  list.classList.add('wide');
  const check = h('div', { class: 'check', id: 'rule-check' });
  const nameInput = h('input', { name: 'name', placeholder: 'name, e.g. dissatisfied', required: true, pattern: '[a-z0-9][a-z0-9_-]{0,63}' });
  const ruleInput = h('input', { name: 'rule', id: 'rule-input', placeholder: 'satisfaction.level == "dissatisfied"', required: true });
  const form = h('form', { class: 'rule-form', id: 'rule-form' }, nameInput, ruleInput, h('button', { type: 'submit' }, 'Save rule'));
  const changes = h('ol', { class: 'changes', id: 'change-list', reversed: true });
  replace(main, h('h1', {}, 'Segments'), h('div', { class: 'grid' },
    h('section', { class: 'card wide' }, h('h2', {}, 'New or changed rule'), form, check),
    list,
    card('Enter and leave, as they happen', 'changes', changes)));

  let typing = null;
  ruleInput.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => validate(ruleInput.value, check), 200);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await sendJson('PUT', `/v1/segments/${encodeURIComponent(nameInput.value)}`, { rule: ruleInput.value });
      banner('');
      await loadSegments(list);
    } catch (error) {
      banner(explain(error, 'Saving the rule'));
    }
  });
  await loadSegments(list);
  followChanges(changes, list);
}

let checks = 0; // a slower answer to an earlier text must not overwrite the latest one

async function validate(rule, check) {
  const mine = ++checks;
  if (!rule.trim()) {
    replace(check);
    return;
  }
  try {
    const result = await getJson(`/v1/segments/validate?rule=${encodeURIComponent(rule)}`);
    if (mine !== checks) return;
    if (result.valid) {
      check.className = 'check ok';
      check.textContent = `✓ reads ${result.paths.join(', ')}`;
    } else {
      check.className = 'check bad';
      check.textContent = `${rule}\n${' '.repeat(Math.max(0, result.position - 1))}^ ${result.error}`;
    }
  } catch (error) {
    check.className = 'check bad';
    check.textContent = explain(error, 'Checking the rule');
  }
}

async function loadSegments(list) {
  try {
    const answer = await getJson('/v1/segments');
    replace(list, h('h2', {}, 'Segments'), answer.segments.length
      ? h('table', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Rule'), h('th', {}, 'Members'), h('th', {}, 'Export'), h('th', {})),
        answer.segments.map((s) => h('tr', { 'data-segment': s.name },
          h('td', {}, s.name),
          h('td', {}, h('code', {}, s.rule)),
          h('td', { class: 'members' }, s.backfillComplete ? String(s.members) : `${s.members} (backfilling)`),
          h('td', {}, h('button', { class: 'secondary', onclick: () => download(`/v1/segments/${encodeURIComponent(s.name)}/export?format=csv`, `${s.name}.csv`) }, 'CSV'), ' ',
            h('button', { class: 'secondary', onclick: () => download(`/v1/segments/${encodeURIComponent(s.name)}/export?format=json`, `${s.name}.json`) }, 'JSON')),
          h('td', {}, h('button', { class: 'danger', onclick: () => removeSegment(s.name, list) }, 'Delete')))))
      : h('p', { class: 'muted' }, 'No segment yet: write a rule above.'));
  } catch (error) {
    replace(list, h('h2', {}, 'Segments'), h('p', {}, explain(error, 'Segments')));
  }
}

async function removeSegment(name, list) {
  if (!confirm(`Delete the segment ${name}? Its members and history go with it.`)) return;
  try {
    await getJson(`/v1/segments/${encodeURIComponent(name)}`, { method: 'DELETE' });
    await loadSegments(list);
  } catch (error) {
    banner(explain(error, 'Deleting the segment'));
  }
}

async function download(path, fileName) {
  try {
    const response = await request(path);
    if (!response.ok) throw await failure(response);
    const url = URL.createObjectURL(await response.blob());
    const anchor = h('a', { href: url, download: fileName });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    URL.revokeObjectURL(url);
  } catch (error) {
    banner(explain(error, 'The export'));
  }
}

// The change stream by long polling: each request waits up to 25 s for the next change.
async function followChanges(changes, list) {
  let after = 0;
  let first = true;
  const signal = pageAbort.signal;
  while (!signal.aborted) {
    try {
      const page = await getJson(`/v1/segments/changes?after=${after}&limit=200&waitMs=${first ? 0 : 25000}`);
      if (page.changes.length > 0) {
        for (const c of page.changes) {
          changes.prepend(h('li', { class: c.change }, `${c.change} ${c.segment} ${c.userId} (log ${c.logPosition})`));
        }
        while (changes.children.length > 100) changes.lastChild.remove();
        if (!first) await loadSegments(list);
      }
      after = page.next;
      first = false;
    } catch (error) {
      if (signal.aborted) return;
      banner(explain(error, 'The change stream'));
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

async function analysisPage(main) {
  const body = h('div', { class: 'grid' });
  const refresh = h('button', { class: 'secondary', id: 'analysis-refresh' }, 'Compute now');
  replace(main, h('h1', {}, 'Behaviour analysis ', refresh), body);
  const load = async (fresh) => {
    try {
      const { report: r } = await getJson(`/v1/analysis${fresh ? '?fresh=true' : ''}`);
      const funnelTable = (rows) => h('table', {}, h('tr', {}, ['', 'Users', 'Viewed', 'Carted', 'Bought', 'View → cart', 'Cart → buy'].map((t) => h('th', {}, t))),
        rows.map((f) => h('tr', {}, h('td', {}, f.key), h('td', {}, f.users), h('td', {}, f.viewed), h('td', {}, f.carted), h('td', {}, f.purchased), h('td', {}, percent(f.viewToCart)), h('td', {}, percent(f.cartToPurchase)))));
      const bars = (id, rows) => {
        const max = Math.max(1, ...rows.map((x) => x.users));
        return interestChart(rows.map((x) => ({ feature: x.band, score: x.users / max, kind: 'band', label: x.users })), id);
      };
      const hourMax = Math.max(1e-9, ...r.habits.hourOfDay);
      replace(body,
        h('section', { class: 'card wide', id: 'analysis-funnel' }, h('h2', {}, `Funnel over ${r.users} users (as of ${when(r.asOf)}, ${number(r.computeSeconds, 3)} s to compute)`),
          funnelTable([r.funnel.overall]), h('h2', {}, 'By top category'), funnelTable(r.funnel.byCategory.slice(0, 12)), h('h2', {}, 'By channel'), funnelTable(r.funnel.byChannel.slice(0, 12))),
        h('section', { class: 'card wide', id: 'analysis-cohorts' }, h('h2', {}, 'Cohort retention (first-seen week; share still seen in week k or later)'),
          h('table', {}, h('tr', {}, h('th', {}, 'Week'), h('th', {}, 'Users'), Array.from({ length: Math.max(0, ...r.cohorts.map((c) => c.retained.length)) }, (_, k) => h('th', {}, `w${k}`))),
            r.cohorts.slice(-12).map((c) => h('tr', {}, h('td', {}, c.week), h('td', {}, c.users), c.retained.map((n) => h('td', {}, c.users ? percent(n / c.users) : '—')))))),
        card('Interests over users (top category)', 'analysis-interests', bars('interest-bars', r.interests.slice(0, 10).map((i) => ({ band: i.category, users: i.users })))),
        card('Hour of day (UTC)', 'analysis-hours', interestChart(r.habits.hourOfDay.map((x, i) => ({ feature: `${i}:00`, score: x / hourMax, kind: 'band' })), 'hour-bars')),
        card('Price sensitivity (price paid / category median)', 'analysis-price', bars('price-bars', r.priceSensitivity)),
        card(`Churn risk (${r.churnRisk.source})`, 'analysis-churn', bars('churn-bars', r.churnRisk.bands)),
        card('Satisfaction', 'analysis-satisfaction', bars('satisfaction-bars', r.satisfaction)));
    } catch (error) {
      replace(body, card('Analysis', 'analysis-denied', h('p', {}, explain(error, 'The analysis'))));
    }
  };
  refresh.addEventListener('click', () => load(true));
  await load(false);
}

async function experimentsPage(main) {
  const body = h('div', { class: 'grid' });
  replace(main, h('h1', {}, 'Experiments'), body);
  try {
    const answer = await getJson('/v1/experiments');
    if (answer.experiments.length === 0) {
      replace(body, card('Running', 'experiment', h('p', { class: 'muted' }, 'No experiment runs. Start one with PUT /v1/experiments/{id} (docs/RECOMMENDATIONS.md).')));
      return;
    }
    replace(body, answer.experiments.map((e) => h('section', { class: 'card wide', id: 'experiment' },
      h('h2', {}, `${e.id} (control: ${e.control})`),
      h('table', {}, h('tr', {}, ['Variant', 'Policy', 'Users', 'Items shown', 'Clicks', 'CTR [95 %]', 'Conversion [95 %]', 'Revenue per user [95 %]', 'p (CTR, conv., rev.)'].map((t) => h('th', {}, t))),
        e.variants.map((v) => h('tr', {},
          h('td', {}, v.name), h('td', {}, v.policy), h('td', {}, v.users), h('td', {}, v.itemsShown), h('td', {}, v.clicks),
          h('td', {}, interval(v.clickThroughRate, percent)), h('td', {}, interval(v.conversionRate, percent)), h('td', {}, interval(v.revenuePerUser, (x) => number(x, 2))),
          h('td', {}, v.versusControl ? [v.versusControl.clickThroughP, v.versusControl.conversionP, v.versusControl.revenuePerUserP].map((x) => number(x, 3)).join(', ') : 'control')))),
      h('p', {}, h('button', { class: 'danger', onclick: () => stopExperiment(e.id, main) }, 'Stop experiment')))));
  } catch (error) {
    replace(body, card('Running', 'experiment', h('p', {}, explain(error, 'Experiments'))));
  }
}

const interval = (e, format) => `${format(e.value)} [${format(e.low)}, ${format(e.high)}]`;

async function stopExperiment(id, main) {
  if (!confirm(`Stop the experiment ${id}? Its results are kept in the log, and every user gets the default policy again.`)) return;
  try {
    await getJson(`/v1/experiments/${encodeURIComponent(id)}`, { method: 'DELETE' });
    await experimentsPage(main);
  } catch (error) {
    banner(explain(error, 'Stopping the experiment'));
  }
}

async function modelsPage(main) {
  const body = h('div', { class: 'grid' });
  replace(main, h('h1', {}, 'Models'), body);
  try {
    const [status, registry] = await Promise.all([getJson('/v1/models'), getJson('/v1/models/registry')]);
    const kinds = [...new Set(registry.map((m) => m.kind))];
    const refused = Object.entries(status.refused || {});
    replace(body,
      refused.length ? card('Refused', 'refused', h('ul', { class: 'plain' }, refused.map(([kind, why]) => h('li', {}, `${kind}: ${why}`)))) : null,
      kinds.length === 0 ? card('Registry', 'registry', h('p', { class: 'muted' }, 'No model is registered: persona train, then persona models add.')) : null,
      kinds.map((kind) => h('section', { class: 'card wide', 'data-kind': kind },
        h('h2', {}, kind, ' ', h('span', { class: 'muted' }, `serving ${status.active[kind] || 'nothing'}`)),
        h('table', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Trained'), h('th', {}, 'Validation'), h('th', {})),
          registry.filter((m) => m.kind === kind).map((m) => h('tr', {},
            h('td', {}, m.version, m.active ? h('strong', {}, ' (active)') : null),
            h('td', {}, when(m.createdAt)),
            h('td', { class: 'muted' }, Object.entries(m.metrics).filter(([k]) => k.startsWith('validation')).map(([k, v]) => `${k} ${number(v, 4)}`).join(', ')),
            h('td', {}, m.active ? null : h('button', { onclick: () => promote(kind, m.version, main) }, 'Promote'))))),
        h('p', {}, h('button', { class: 'secondary', onclick: () => rollback(kind, main) }, 'Roll back to the previous version')))));
  } catch (error) {
    const adminOnly = error instanceof ApiError && (error.status === 401 || error.status === 403);
    replace(body, card('Models', 'models-denied', h('p', {}, adminOnly
      ? 'Models is an admin page: it needs a key with the admin scope. ' + (error.detail || '')
      : explain(error, 'Models'))));
  }
}

async function promote(kind, version, main) {
  if (!confirm(`Serve ${version} as the ${kind} model? The service swaps it in at once; you can roll back.`)) return;
  try {
    await sendJson('POST', `/v1/models/${encodeURIComponent(kind)}/promote`, { version });
    await modelsPage(main);
  } catch (error) {
    banner(explain(error, 'Promoting the model'));
  }
}

async function rollback(kind, main) {
  if (!confirm(`Roll the ${kind} model back to the version served before?`)) return;
  try {
    await sendJson('POST', `/v1/models/${encodeURIComponent(kind)}/rollback`);
    await modelsPage(main);
  } catch (error) {
    banner(explain(error, 'Rolling back'));
  }
}

// Prometheus text: the sum of a metric's samples (every label set).
function metric(text, name) {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? sum : null;
}

async function systemPage(main) {
  const health = card('Health', 'health');
  const rate = card('Ingest', 'ingest');
  const models = card('Models', 'system-models');
  replace(main, h('h1', {}, 'System'), h('div', { class: 'grid' }, health, rate, models));
  let previous = null;
  const signal = pageAbort.signal;
  // The figures are rates over 5 s, so the page samples every 5 s.
  while (!signal.aborted) {
    try {
      const [status, text] = await Promise.all([
        request('/health').then((r) => r.json()),
        request('/metrics').then((r) => r.text()),
      ]);
      const now = performance.now();
      const events = metric(text, 'persona_events_total');
      const perSecond = previous && events !== null ? ((events - previous.events) * 1000) / (now - previous.at) : null;
      previous = { events, at: now };
      replace(health, h('h2', {}, 'Health'), h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', { id: 'health-status' }, status.status),
        h('dt', {}, 'Log position'), h('dd', {}, status.logPosition),
        h('dt', {}, 'Checkpoint'), h('dd', {}, status.checkpointPosition),
        h('dt', {}, 'Profiles in memory'), h('dd', {}, status.profilesInMemory),
        status.reason ? [h('dt', {}, 'Fault'), h('dd', {}, `${status.reason}: ${status.detail}`)] : null));
      replace(rate, h('h2', {}, 'Ingest'), h('dl', { class: 'facts' },
        h('dt', {}, 'Events taken in'), h('dd', {}, events ?? '—'),
        h('dt', {}, 'Rate'), h('dd', { id: 'ingest-rate' }, perSecond === null ? 'measuring…' : `${number(perSecond, 1)} events/s`),
        h('dt', {}, 'Freshness lag'), h('dd', {}, `${number(metric(text, 'persona_freshness_lag_seconds'), 3)} s`),
        h('dt', {}, 'Queued batches'), h('dd', {}, metric(text, 'persona_ingest_queue_length') ?? '—'),
        h('dt', {}, 'Refused (busy)'), h('dd', {}, metric(text, 'persona_ingest_refused_total') ?? '—'),
        h('dt', {}, 'Dead letters'), h('dd', {}, metric(text, 'persona_dead_letters') ?? '—')));
      try {
        const served = await getJson('/v1/models');
        replace(models, h('h2', {}, 'Models'), h('dl', { class: 'facts' },
          Object.entries(served.active).map(([kind, version]) => [h('dt', {}, kind), h('dd', {}, version)]),
          Object.entries(served.refused).map(([kind, why]) => [h('dt', {}, kind + ' refused'), h('dd', {}, why)])),
          Object.keys(served.active).length ? null : h('p', { class: 'muted' }, 'No model is served.'));
      } catch (error) {
        replace(models, h('h2', {}, 'Models'), h('p', { class: 'muted' }, explain(error, 'The model status')));
      }
    } catch (error) {
      if (signal.aborted) return;
      banner(explain(error, 'System'));
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

// ---------- Routing ----------

const routes = [
  [/^\/ui\/?$/, homePage],
  [/^\/ui\/users\/(.+)$/, userPage],
  [/^\/ui\/segments\/?$/, segmentsPage],
  [/^\/ui\/analysis\/?$/, analysisPage],
  [/^\/ui\/experiments\/?$/, experimentsPage],
  [/^\/ui\/models\/?$/, modelsPage],
  [/^\/ui\/system\/?$/, systemPage],
];

function route() {
  pageAbort.abort();
  pageAbort = new AbortController();
  banner('');
  const main = document.getElementById('page');
  const path = location.pathname;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', path.startsWith(a.getAttribute('href')));
  for (const [pattern, page] of routes) {
    const match = path.match(pattern);
    if (match) {
      page(main, ...match.slice(1).map(decodeURIComponent)).catch((error) => banner(explain(error, 'This page')));
      return;
    }
  }
  replace(main, h('h1', {}, 'Not found'), h('p', {}, 'No console page here. ', link('/ui/', 'Start over')));
}

function go(path) {
  history.pushState(null, '', path);
  route();
}

document.addEventListener('click', (event) => {
  const anchor = event.target.closest('a[data-link]');
  if (anchor && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
    event.preventDefault();
    go(anchor.getAttribute('href'));
  }
});
window.addEventListener('popstate', route);

document.getElementById('api-key').value = apiKey;
document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey = document.getElementById('api-key').value.trim();
  if (apiKey) localStorage.setItem(KEY_STORAGE, apiKey);
  else localStorage.removeItem(KEY_STORAGE);
  route();
});
document.getElementById('find-user').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = document.getElementById('find-user-id').value.trim();
  if (id) go('/ui/users/' + encodeURIComponent(id));
});

route();
