// Chaos in real Chromium: a seeded random schedule of a few thousand
// captures over ~40 events while the collector fails (500, 503, 429 with
// Retry-After, dropped connections, delays), the browser goes offline and
// back, the page reloads with updates still queued, and a second tab
// captures and is closed mid-way. Then everything drains and the collector
// must hold, for every event, exactly the merge of every capture the page
// accepted, in capture order: nothing lost, nothing applied twice.
//
// CHAOS_SEED=<n> replays a schedule (timing still varies); CHAOS_CAPTURES
// changes the size. The figures go to test-artifacts/reliability.json.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { getEvent, listRequests, listUpdates } from '../../collector/server.mjs';
import { ARTIFACTS, launchBrowser, waitFor } from './harness.mjs';
import { assertNoPageErrors, openDeliveryPage, startDeliveryStack, stats, waitForReady } from './delivery-stack.mjs';

const SEED = process.env.CHAOS_SEED !== undefined ? Number(process.env.CHAOS_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const CAPTURES = Number(process.env.CHAOS_CAPTURES ?? 3000);
const EVENTS = 40;
const TAB2_EVENTS = 8; // the second tab writes only these: concurrent tabs never share an event

// Small timings so thousands of faults fit in a minute. maxAttempts is
// raised because the schedule injects hundreds of failures: the default 10
// would turn an unlucky streak into a (reported) dead letter, which is
// policy, not loss; dead letters are asserted to be zero below.
const DELIVERY = { retryBaseMs: 30, retryMaxDelayMs: 300, jitter: 0.2, flushIntervalMs: 30, maxAttempts: 1000, timeoutMs: 3000 };
const GIVEN_UP = new Set(['rejected', 'max_attempts', 'max_age', 'too_large', 'orphaned_session']);

/** mulberry32: tiny, seedable, good enough to pick a schedule. */
function prng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * The README's merge, written out here rather than borrowed from the
 * collector so the two are checked against each other: objects merge key by
 * key, recursively; anything else from the later update replaces.
 */
function deepMerge(base, patch) {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const prev = out[k];
    const isObj = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = isObj(v) && isObj(prev) ? deepMerge(prev, v) : v;
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const COMMENTS = ['Spot on', 'wrong city', 'naïve but fine', '日本語の回答', 'too long 😀', 'cites "sources"', 'a\nmultiline\ncomment'];

/**
 * Random feedback for one capture. `seq` is global and unique, so every
 * update (a merge of consecutive captures) carries the seq of its last
 * capture and can be recognised in the collector's update log. Counters are
 * absolute, like the capture layer sends them.
 */
function makeFeedback(rng, seq, counters) {
  const pick = (n) => Math.floor(rng() * n);
  const f = { seq };
  const kinds = 1 + pick(3);
  for (let k = 0; k < kinds; k++) {
    switch (pick(8)) {
      case 0:
        f.rating = rng() < 0.5;
        f.rating_withdrawn = false;
        break;
      case 1:
        f.score = 1 + pick(5);
        break;
      case 2:
        f.comment = `${COMMENTS[pick(COMMENTS.length)]} #${seq}`;
        break;
      case 3:
        f.actions = { ...f.actions, copied: true, copy_count: ++counters.copy, copied_fraction: pick(101) / 100 };
        break;
      case 4:
        f.actions = { ...f.actions, regenerated: true, regenerate_count: ++counters.regenerate };
        break;
      case 5:
        f.steps = { [`s${pick(4)}`]: { retry: rng() < 0.5, n: pick(1000), detail: { ms: pick(5000), ok: rng() < 0.8 } } };
        break;
      case 6:
        f.tags = Array.from({ length: pick(4) }, () => `t${pick(10)}`); // arrays are replaced, never concatenated
        break;
      default:
        f.variant = rng() < 0.5 ? { kind: 'object', v: pick(100) } : `plain-${pick(100)}`; // a type change takes the later value
    }
  }
  return f;
}

test('chaos: thousands of captures through faults, offline, reloads and a second tab; nothing lost, nothing doubled', async (t) => {
  const started = Date.now();
  const rng = prng(SEED);
  t.diagnostic(`chaos seed ${SEED} (replay with CHAOS_SEED=${SEED}), ${CAPTURES} captures`);

  const stack = await startDeliveryStack();
  const context = await browser.newContext();
  t.after(async () => {
    await context.close();
    await stack.close();
  });
  const db = stack.collector.db;

  // ~40 events: sessions with one answer each, plus more answers in them.
  const sessions = await stack.seed(10);
  const eventIds = sessions.map((s) => s.eventId);
  while (eventIds.length < EVENTS) {
    const session = sessions[eventIds.length % sessions.length];
    const r = await stack.collector.client.call('POST', '/v1/events', {
      event_type: 'model', event_name: `answer ${eventIds.length}`, session_id: session.sessionId, inputs: { question: 'q' }, outputs: { answer: 'a' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    eventIds.push(r.json.event_id);
  }
  const tab2Events = eventIds.slice(0, TAB2_EVENTS);
  const mainEvents = eventIds.slice(TAB2_EVENTS);

  // The schedule's milestones, as fractions of the captures.
  const at = (lo, hi) => Math.floor(CAPTURES * (lo + rng() * (hi - lo)));
  const reloadAt = [at(0.1, 0.3), at(0.3, 0.5), at(0.5, 0.7), at(0.7, 0.9)].sort((a, b) => a - b);
  const offlineAt = [at(0.05, 0.25), at(0.25, 0.45), at(0.45, 0.65), at(0.75, 0.95)].sort((a, b) => a - b);
  const tab2OpenAt = at(0.1, 0.25);
  const tab2CloseAt = at(0.55, 0.75);

  const accepted = []; // { seq, eventId, feedback, updateId, doc }
  const counters = new Map(eventIds.map((id) => [id, { copy: 0, regenerate: 0 }]));
  const figures = { reloads: 0, reloadsWithPending: 0, pendingAtReloads: 0, tabs: 1, offlinePeriods: 0, refused: 0, faultRules: 0 };
  const docErrors = []; // onError events of every document, collected before it goes away
  const totals = { retried: 0, dropped: 0, deadLettered: 0 }; // stats() summed over the documents
  let seq = 0;
  let offlineUntil = 0;
  let main = await openDeliveryPage(context, stack, { delivery: DELIVERY });
  let tab2;
  let doc = 0;

  /** A burst of captures in one page; returns how many the page accepted. */
  const burst = async (page, events, n, docId) => {
    const items = [];
    for (let i = 0; i < n; i++) {
      const eventId = events[Math.floor(rng() * events.length)];
      items.push({ eventId, feedback: makeFeedback(rng, ++seq, counters.get(eventId)) });
    }
    const receipts = await page.evaluate((items) => items.map(({ eventId, feedback }) => {
      try {
        return { updateId: client.enrichSpan({ eventId, feedback }).updateId };
      } catch (e) {
        return { refused: `${e.code}: ${e.message}` };
      }
    }), items);
    receipts.forEach((r, i) => {
      if (r.refused) {
        figures.refused++;
        t.diagnostic(`capture refused: ${r.refused}`);
      } else {
        accepted.push({ ...items[i], seq: items[i].feedback.seq, updateId: r.updateId, doc: docId });
      }
    });
  };

  /** What a document reported, read before it goes away (a reload or close forgets it). */
  const retire = async (page) => {
    docErrors.push(...(await page.evaluate(() => window.errors)));
    assert.deepEqual(await page.evaluate(() => window.windowErrors), [], 'errors seen by window');
    const s = await stats(page);
    for (const k of Object.keys(totals)) totals[k] += s[k];
  };

  const injectFault = async () => {
    const kinds = ['500', '503', '429', 'drop', 'delay'];
    const kind = kinds[Math.floor(rng() * kinds.length)];
    const spec =
      kind === 'drop' ? { dropNext: 1 + Math.floor(rng() * 4) }
      : kind === 'delay' ? { delayMs: 50 + Math.floor(rng() * 350), delayNext: 1 + Math.floor(rng() * 6) }
      : kind === '429' ? { failNext: 1 + Math.floor(rng() * 3), status: 429, retryAfter: '1' }
      : { failNext: 1 + Math.floor(rng() * 8), status: Number(kind) };
    // Now and then only one event's writes fail: the others must not wait for it.
    if (rng() < 0.3) spec.eventId = eventIds[Math.floor(rng() * eventIds.length)];
    const r = await stack.collector.client.faults(spec);
    assert.equal(r.status, 200);
    figures.faultRules++;
  };

  const goOnline = async () => {
    if (!offlineUntil) return;
    await context.setOffline(false);
    offlineUntil = 0;
  };

  // Milestones left when the captures run out (an offline period was on) still happen.
  while (seq < CAPTURES || reloadAt.length || offlineAt.length) {
    const now = Date.now();
    if (offlineUntil && now >= offlineUntil) await goOnline();
    if (!offlineUntil && offlineAt.length && seq >= offlineAt[0]) {
      offlineAt.shift();
      await context.setOffline(true);
      offlineUntil = now + 200 + Math.floor(rng() * 700);
      figures.offlinePeriods++;
    }
    if (!tab2 && !offlineUntil && tab2OpenAt <= seq && tab2CloseAt > seq) {
      tab2 = await openDeliveryPage(context, stack, { delivery: DELIVERY });
      figures.tabs++;
    }
    if (tab2 && seq >= tab2CloseAt) {
      // Closed offline, right after capturing: its queue surely outlives it
      // (the pagehide beacon cannot go out) and must be adopted by a live tab.
      if (!offlineUntil) {
        await context.setOffline(true);
        offlineUntil = Date.now() + 300 + Math.floor(rng() * 300);
        figures.offlinePeriods++;
      }
      await burst(tab2, tab2Events, 5, 'tab2');
      const s = await stats(tab2);
      figures.tab2PendingAtClose = s.queued + s.inFlight;
      await retire(tab2);
      await assertNoPageErrors(tab2);
      await tab2.close();
      tab2 = undefined;
    }
    if (reloadAt.length && seq >= reloadAt[0] && !offlineUntil) {
      reloadAt.shift();
      // Captures right before the reload: still queued when the page goes.
      await burst(main, mainEvents, 5 + Math.floor(rng() * 20), `main${doc}`);
      const s = await stats(main);
      figures.pendingAtReloads += s.queued + s.inFlight;
      if (s.queued + s.inFlight > 0) figures.reloadsWithPending++;
      await retire(main);
      await main.reload();
      await waitForReady(main);
      doc++;
      figures.reloads++;
    }
    if (rng() < 0.25) await injectFault();
    const onTab2 = tab2 && rng() < 0.3;
    await burst(onTab2 ? tab2 : main, onTab2 ? tab2Events : mainEvents, 1 + Math.floor(rng() * 25), onTab2 ? 'tab2' : `main${doc}`);
    await sleep(Math.floor(rng() * 120)); // lets backoffs and Retry-After waits overlap the captures
  }
  const scheduleMs = Date.now() - started;

  // ---- drain: no faults, online, a fresh page adopts whatever is left ----
  stack.collector.faults.clear();
  await goOnline();
  const fresh = await openDeliveryPage(context, stack, { delivery: DELIVERY });
  figures.tabs++;
  const pages = [main, fresh];
  await waitFor(
    async () => {
      let left = 0;
      for (const p of pages) {
        await p.evaluate(() => client.flush());
        const s = await stats(p);
        left += s.queued + s.inFlight + s.waitingForSession;
      }
      return left === 0;
    },
    { what: 'every queue drained', timeoutMs: 60000, intervalMs: 100 },
  );
  await sleep(500); // stragglers from gone documents reach the proxy (and are answered as duplicates)
  for (const p of pages) await retire(p);

  // ---- the invariant ----
  const expected = new Map(eventIds.map((id) => [id, {}]));
  const updates = new Map(); // updateId -> { eventId, feedback (merge of its captures), lastSeq }
  for (const c of accepted) {
    expected.set(c.eventId, deepMerge(expected.get(c.eventId), c.feedback));
    const u = updates.get(c.updateId) ?? { eventId: c.eventId, feedback: {}, lastSeq: 0, captures: 0 };
    assert.equal(u.eventId, c.eventId, `update ${c.updateId} spans two events`);
    u.feedback = deepMerge(u.feedback, c.feedback);
    u.lastSeq = c.seq;
    u.captures++;
    updates.set(c.updateId, u);
  }
  const bySeq = new Map([...updates].map(([id, u]) => [u.lastSeq, id]));

  // Applications per update id, from the bodies the proxy forwarded.
  const applied = new Map();
  const strangers = [];
  for (const row of listUpdates(db)) {
    const id = bySeq.get(row.body.feedback?.seq);
    const u = id && updates.get(id);
    if (!u || u.eventId !== row.event_id || !isDeepStrictEqual(row.body.feedback, u.feedback)) {
      strangers.push({ event: row.event_id, feedback: row.body.feedback, expected: u?.feedback });
      continue;
    }
    applied.set(id, (applied.get(id) ?? 0) + 1);
  }
  const lostIds = [...updates.keys()].filter((id) => !applied.has(id));
  const doubledIds = [...applied].filter(([, n]) => n > 1).map(([id]) => id);
  // Per-event order: every writer of an event is sequential (one tab, its
  // reloads one after another), so its updates must land in capture order.
  const outOfOrder = [];
  const lastApplied = new Map();
  for (const row of listUpdates(db)) {
    const s = row.body.feedback?.seq ?? 0;
    if (s < (lastApplied.get(row.event_id) ?? 0)) outOfOrder.push({ event: row.event_id, seq: s, after: lastApplied.get(row.event_id) });
    lastApplied.set(row.event_id, Math.max(s, lastApplied.get(row.event_id) ?? 0));
  }
  const lostCaptures = accepted.filter((c) => !applied.has(c.updateId)).length;

  const wrong = [];
  const counterErrors = [];
  for (const id of eventIds) {
    const stored = getEvent(db, id)?.feedback;
    if (!isDeepStrictEqual(stored, expected.get(id))) wrong.push({ id, stored, expected: expected.get(id) });
    const c = counters.get(id);
    const got = { copy: stored?.actions?.copy_count ?? 0, regenerate: stored?.actions?.regenerate_count ?? 0 };
    if (got.copy !== c.copy || got.regenerate !== c.regenerate) counterErrors.push({ id, got, want: c });
  }

  // ---- figures ----
  const faultRows = listRequests(db, { limit: 1_000_000 }).filter((r) => r.fault);
  const faults = {};
  for (const r of faultRows) {
    for (const part of r.fault.split(',')) {
      const kind = part.startsWith('delay:') ? 'delay' : part;
      faults[kind] = (faults[kind] ?? 0) + 1;
    }
  }
  const log = stack.proxyLog;
  const sends = log.reduce((n, e) => n + e.updates.length, 0);
  const duplicateAnswers = log.flatMap((e) => e.results ?? []).filter((r) => r.duplicate).length;
  const result = {
    seed: SEED,
    date: new Date(started).toISOString(),
    captures: accepted.length,
    refused: figures.refused,
    events: EVENTS,
    updates: updates.size,
    faultsInjected: { total: faultRows.length, byKind: faults, rules: figures.faultRules },
    offlinePeriods: figures.offlinePeriods,
    reloads: figures.reloads,
    reloadsWithPending: figures.reloadsWithPending,
    pendingAtReloads: figures.pendingAtReloads,
    tabs: figures.tabs,
    tab2PendingAtClose: figures.tab2PendingAtClose,
    requests: {
      pageToProxy: log.length,
      beacons: log.filter((e) => e.beacon).length,
      updateSends: sends,
      collectorPuts: listRequests(db, { method: 'PUT', limit: 1_000_000 }).length,
    },
    retries: { clientStats: totals.retried, resendsAtProxy: sends - new Set(log.flatMap((e) => e.updates.map((u) => u.id))).size, answeredAsDuplicate: duplicateAnswers },
    lost: lostCaptures,
    lostUpdates: lostIds.length,
    duplicated: doubledIds.length + strangers.length,
    wrongEvents: wrong.length,
    counterErrors: counterErrors.length,
    outOfOrder: outOfOrder.length,
    deadLettered: totals.deadLettered,
    droppedByCaps: totals.dropped,
    durationMs: Date.now() - started,
    scheduleMs,
  };
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'reliability.json'), `${JSON.stringify(result, null, 2)}\n`);
  t.diagnostic(
    `seed ${SEED}: ${result.captures} captures → ${result.updates} updates on ${EVENTS} events; faults ${JSON.stringify(faults)} ` +
      `(${faultRows.length} in ${figures.faultRules} rules); ${figures.offlinePeriods} offline periods; ${figures.reloads} reloads ` +
      `(${figures.pendingAtReloads} updates pending across them); ${figures.tabs} tabs (the second left ${figures.tab2PendingAtClose} pending at close)`,
  );
  t.diagnostic(
    `requests: ${log.length} page→proxy (${result.requests.beacons} beacons), ${sends} update sends, ${result.requests.collectorPuts} PUTs; ` +
      `retries: ${totals.retried} (client stats), ${result.retries.resendsAtProxy} resends at the proxy, ${duplicateAnswers} answered as duplicates; ` +
      `lost ${result.lost}, duplicated ${result.duplicated}; ${result.durationMs} ms (${scheduleMs} ms schedule)`,
  );

  assert.equal(figures.refused, 0, 'no valid capture was refused');
  assert.ok(figures.reloads >= 3 && figures.tabs >= 3 && faultRows.length > 0 && figures.offlinePeriods >= 3, 'the schedule really ran its chaos');
  assert.deepEqual(strangers.slice(0, 3), [], `${strangers.length} collector rows match no accepted update (applied twice merged, or altered)`);
  assert.deepEqual(doubledIds, [], 'no update id applied twice');
  assert.deepEqual(lostIds.slice(0, 5), [], `${lostIds.length} updates (${lostCaptures} captures) never applied`);
  assert.deepEqual(counterErrors.slice(0, 3), [], 'counters are the number of captures that counted, never doubled');
  assert.deepEqual(wrong.slice(0, 2), [], `${wrong.length} events whose feedback is not the merge of their captures`);
  assert.deepEqual(outOfOrder.slice(0, 3), [], 'updates to one event applied in capture order');
  assert.deepEqual(docErrors.filter((e) => GIVEN_UP.has(e.code)), [], 'nothing given up');
  assert.equal(totals.deadLettered, 0, 'no dead letters');
  assert.equal(totals.dropped, 0, 'nothing dropped by the queue caps');
  assert.deepEqual(docErrors, [], 'no errors reported to onError');
  for (const p of pages) await assertNoPageErrors(p);
});
