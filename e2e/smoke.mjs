// Browser smoke test of Carrel's demo network.
//
//   node e2e/smoke.mjs http://127.0.0.1:PORT
//
// For each demo role: signs in through the real form, visits a fixed list of pages, then crawls
// the links the app shows that role, and on each page checks that the first Tab lands on the
// skip link, that the browser reported no error (a Content-Security-Policy violation shows up as
// one) and that axe-core finds no serious or critical accessibility violation. Members also
// submit their profile with a bad value and must see the error at the field with what they
// typed kept. Every role signs out at the end. Prints every failure and exits 1 if there is any,
// 0 otherwise.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

const PASSWORD = 'reading-room-2026';
const CHROMIUM = process.env.CARREL_CHROMIUM ?? '/usr/bin/chromium';
// Chromium's own background traffic is turned off: the machine reaches no host but itself.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
// The bar is WCAG 2.2 AA with no serious or critical violation; lesser ones are only listed.
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);
// Long enough for a loaded 2-core machine, short enough that a stuck step fails the run soon.
const WAIT_MS = 30_000;

// How far the crawl goes from the home page, counted in links followed, and how many pages it
// opens per role. Three links deep reaches a cycle's matching page and a mentorship's
// agreement; sixty pages let a coordinator reach a closed cycle's dashboard too, and keep the
// whole run to a few minutes on a loaded 2-core machine. The environment can ask for a deeper
// sweep.
const CRAWL_DEPTH = positiveInteger(process.env.CARREL_E2E_CRAWL_DEPTH) ?? 3;
const CRAWL_PAGES = positiveInteger(process.env.CARREL_E2E_CRAWL_PAGES) ?? 60;
// Links the crawl does not follow: files rather than pages (CSV exports, calendar and Atom
// feeds, resource downloads) and the sign-out, which would end the role's session.
const NOT_PAGES = [
  /\.(csv|ics|atom|rss|xml|json|pdf|zip)$/i,
  /\/feed(\/|$)/,
  /\/download$/,
  /^\/calendar\/./,
  /^\/sign-out$/,
];

// Steps that are not a plain path, run by visitAll.
const REGION_PAGE = Symbol('a region page');
const DIRECTORY = Symbol('the directory, filtered, and one person from it');
// Error pages are pages too: they must meet the same bar and show their request id.
const NOT_FOUND = { path: '/no-such-page', status: 404 };
const FORBIDDEN = { path: '/people', status: 403 };

const MEMBER_PAGES = ['/', '/profile', '/regions', REGION_PAGE];
const COORDINATOR_PAGES = [...MEMBER_PAGES, DIRECTORY, '/approvals', '/invitations/new'];
const ROLES = [
  { role: 'anonymous', pages: ['/', '/sign-in', '/sign-up', '/reset', '/regions', NOT_FOUND] },
  { role: 'mentee', email: 'mentee@demo.carrel.example', pages: [...MEMBER_PAGES, FORBIDDEN] },
  { role: 'mentor', email: 'mentor@demo.carrel.example', pages: MEMBER_PAGES },
  { role: 'guide', email: 'guide@demo.carrel.example', pages: MEMBER_PAGES },
  // Texas's self-match accounts: their home pages link to choosing a mentor and to answering
  // a mentee's request, which the crawl then checks.
  { role: 'mentee (Texas)', email: 'mentee.tx@demo.carrel.example', pages: MEMBER_PAGES },
  { role: 'mentor (Texas)', email: 'mentor.tx@demo.carrel.example', pages: MEMBER_PAGES },
  { role: 'coordinator (NY)', email: 'coordinator@demo.carrel.example', pages: COORDINATOR_PAGES },
  {
    role: 'coordinator (CA)',
    email: 'coordinator.ca@demo.carrel.example',
    pages: COORDINATOR_PAGES,
  },
  {
    role: 'admin',
    email: 'admin@demo.carrel.example',
    pages: [...COORDINATOR_PAGES, '/admin/divisions', '/admin/outbox'],
  },
];

// Every failure, one line each. A failed check does not stop the run, so that one run lists
// all the problems; only a failure that makes the rest of a role meaningless stops that role.
const failures = [];
// Findings below the bar, listed at the end without failing the run.
const notes = new Set();
// How many pages got the checks, over all roles, for the summary.
let pagesChecked = 0;

// What the checks need to know about where they are: the page, the role and the server.
class Visit {
  constructor(page, role, baseUrl) {
    this.page = page;
    this.role = role;
    this.baseUrl = baseUrl;
    // The pages already checked, so that the crawl does not check again what a step before
    // it did.
    this.checked = new Set();
  }

  url(path) {
    return this.baseUrl + path;
  }

  path() {
    const url = new URL(this.page.url());
    return url.pathname + url.search;
  }

  where(what = this.path()) {
    return `${this.role} ${what}`;
  }

  fail(message, where = this.where()) {
    failures.push(`${where}: ${message}`);
    console.log(`    FAIL ${message}`);
  }

  check(condition, message, where) {
    if (!condition) this.fail(message, where);
    return Boolean(condition);
  }
}

// The source is evaluated through the DevTools protocol, which the page's CSP
// (script-src 'self') does not govern; Playwright's addScriptTag would add an inline script
// that the CSP rightly blocks.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function checkAccessibility(visit) {
  const { page } = visit;
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  // A page where no rule applied would pass vacuously: that would mean axe did not really run.
  visit.check(results.passes.length > 0, 'axe-core ran no rule on this page');

  for (const violation of results.violations) {
    const targets = violation.nodes.map((node) => node.target.join(' ')).join(' | ');
    const line = `axe ${violation.id} (${violation.impact}): ${violation.help}; at ${targets}`;
    if (!BLOCKING_IMPACTS.has(violation.impact)) {
      notes.add(`${visit.where()}: ${line}`);
      continue;
    }
    visit.fail(line);
    for (const node of violation.nodes) {
      console.log(`         ${node.target.join(' ')}: ${lastLine(node.failureSummary)}`);
      console.log(`         ${node.html.slice(0, 200)}`);
    }
  }
}

function lastLine(text) {
  const lines = (text ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}

// Keyboard users must be able to skip the header: the first Tab has to reach the skip link,
// and following it has to move focus into the main content.
async function checkSkipLink(visit) {
  const { page } = visit;
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  const onSkipLink = focused === 'Skip to main content';
  if (!visit.check(onSkipLink, `the first Tab focused "${focused}", not the skip link`)) return;
  await page.keyboard.press('Enter');
  const focusedId = await page.evaluate(() => document.activeElement?.id ?? '');
  visit.check(focusedId === 'main', `the skip link moved focus to "#${focusedId}", not to #main`);
}

// The checks every page gets, on the page as it is now.
async function checkPage(visit) {
  visit.checked.add(visit.path());
  pagesChecked += 1;
  const headings = await visit.page.locator('h1').count();
  visit.check(headings === 1, `the page has ${headings} h1 headings, not one`);
  await checkSkipLink(visit);
  await checkAccessibility(visit);
}

// Opens a path, expects it to answer `expected` without a redirect, and checks the page.
async function open(visit, path, expected = 200) {
  console.log(`  ${path}${expected === 200 ? '' : ` (expecting ${expected})`}`);
  const response = await visit.page.goto(visit.url(path));
  const status = response?.status() ?? 0;
  const where = visit.where(path);
  if (!visit.check(status === expected, `answered ${status}, expected ${expected}`, where)) return;
  if (!visit.check(visit.path() === path, `was redirected to ${visit.path()}`, where)) return;
  if (expected !== 200) {
    const text = await visit.page.locator('main').innerText();
    visit.check(/request id/i.test(text), 'the error page shows no request id', where);
  }
  await checkPage(visit);
}

// The first link inside `container` to a path under `prefix`.
async function firstLinkUnder(visit, container, prefix) {
  const hrefs = await visit.page
    .locator(`${container} a[href^="${prefix}"]`)
    .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
  return hrefs.find((href) => href.length > prefix.length);
}

async function openRegionPage(visit) {
  await visit.page.goto(visit.url('/regions'));
  const path = await firstLinkUnder(visit, 'main', '/regions/');
  if (!visit.check(path, 'no link to a region page', visit.where('/regions'))) return;
  await open(visit, path);
}

// Filters the directory through its form, as a coordinator would, then opens one person.
async function openDirectory(visit) {
  const { page } = visit;
  console.log('  /people, filtered by career stage');
  await page.goto(visit.url('/people'));
  const stage = page.locator('select#stage');
  // Option 0 is "Any stage"; a real stage follows.
  const stageCode = await stage.locator('option').nth(1).getAttribute('value');
  await stage.selectOption(stageCode);
  await Promise.all([
    page.waitForURL(/\/people\?/, { timeout: WAIT_MS }),
    page.getByRole('button', { name: 'Filter' }).click(),
  ]);
  const applied = new URL(page.url()).searchParams.get('stage');
  visit.check(applied === stageCode, `the stage filter did not apply: ${visit.path()}`);
  await checkPage(visit);

  const personPath = await firstLinkUnder(visit, 'main table', '/people/');
  if (!visit.check(personPath, `no one listed at stage ${stageCode}`)) return;
  await open(visit, personPath);
}

async function visitAll(visit, pages) {
  for (const step of pages) {
    if (step === REGION_PAGE) await openRegionPage(visit);
    else if (step === DIRECTORY) await openDirectory(visit);
    else if (typeof step === 'object') await open(visit, step.path, step.status);
    else await open(visit, step);
  }
}

function positiveInteger(text) {
  const number = Number(text);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

// What a path is an instance of: numbers, tokens and region codes become `*` and the query
// string goes, so /cycles/12 and /cycles/31 are one pattern and the crawl opens only one of them.
function pathPattern(path) {
  const segments = path.split('?')[0].split('/');
  return segments.map((segment) => (/\d|^[A-Z]{2,3}$/.test(segment) ? '*' : segment)).join('/');
}

// The same-origin pages linked from the page's main content and its navigation, as paths with
// any fragment dropped, leaving out links to files and links that only move within the page.
async function pageLinks(visit) {
  // Resolved from the attribute: the links on the SVG map have no string `href` property.
  const links = await visit.page.locator('main a[href], nav a[href]').evaluateAll((anchors) =>
    anchors.map((a) => ({
      href: new URL(a.getAttribute('href'), document.baseURI).href,
      raw: a.getAttribute('href'),
      download: a.hasAttribute('download'),
    })),
  );
  const origin = new URL(visit.baseUrl).origin;
  const paths = [];
  for (const { href, raw, download } of links) {
    if (download || raw.startsWith('#')) continue;
    const url = new URL(href);
    if (url.origin !== origin) continue;
    if (NOT_PAGES.some((pattern) => pattern.test(url.pathname))) continue;
    paths.push(url.pathname + url.search);
  }
  return paths;
}

// Follows the links the app shows this role, from the home page, and checks each page it
// reaches that no step before checked. A link that answers an error, or sends someone to the
// sign-in form, is a link the app should not have shown.
async function crawl(visit) {
  const plan = new CrawlPlan();
  let opened = 0;
  console.log(`  crawling (${CRAWL_DEPTH} links deep, at most ${CRAWL_PAGES} pages):`);

  while (opened < CRAWL_PAGES) {
    const link = plan.next();
    if (!link) break;
    opened += 1;
    const landed = await crawlTo(visit, link);
    if (!landed || link.depth >= CRAWL_DEPTH) continue;

    const found = await pageLinks(visit);
    plan.add(link, found.map((path) => ({ path, from: landed, depth: link.depth + 1 })));
  }

  const left = plan.left();
  if (left > 0) console.log(`    (stopped at ${CRAWL_PAGES} pages with ${left} links left)`);
}

// Which links the crawl opens, and in what order. First one page of each path pattern,
// breadth first. Then, while pages remain in the budget, a second record of each pattern, and
// more for as long as each one opened linked to a pattern not seen before: another cycle, in
// another state, links to pages the first one did not.
class CrawlPlan {
  constructor() {
    this.queue = [{ path: '/', from: null, depth: 0 }];
    this.others = [];
    // The pages (paths without their query) opened or about to be.
    this.taken = new Set(['/']);
    // For each pattern found, the links to its pages not taken yet.
    this.untaken = new Map([[pathPattern('/'), []]]);
    // The patterns with a page opened, and those that want another page but had none yet.
    this.opened = new Set();
    this.waiting = new Set();
  }

  next() {
    return this.queue.shift() ?? this.others.shift();
  }

  left() {
    return this.queue.length + this.others.length;
  }

  // Takes in the links found on the page that `opened` led to.
  add(opened, links) {
    let newPatterns = 0;
    for (const link of links) {
      const pattern = pathPattern(link.path);
      const page = link.path.split('?')[0];
      if (this.taken.has(page)) continue;
      if (!this.untaken.has(pattern)) {
        this.untaken.set(pattern, []);
        this.take(link);
        this.queue.push(link);
        newPatterns += 1;
      } else if (this.waiting.delete(pattern)) {
        this.take(link);
        this.others.push(link);
      } else {
        this.untaken.get(pattern).push(link);
      }
    }

    const pattern = pathPattern(opened.path);
    const first = !this.opened.has(pattern);
    this.opened.add(pattern);
    if (first || newPatterns > 0) this.takeAnother(pattern);
  }

  take(link) {
    this.taken.add(link.path.split('?')[0]);
  }

  takeAnother(pattern) {
    const untaken = this.untaken.get(pattern) ?? [];
    const another = untaken.find((link) => !this.taken.has(link.path.split('?')[0]));
    if (!another) {
      this.waiting.add(pattern);
      return;
    }
    this.take(another);
    this.others.push(another);
    this.untaken.set(pattern, untaken.slice(untaken.indexOf(another) + 1));
  }
}

// Opens one crawled link and checks the page unless a step before checked it.
// Returns the path it landed on, or nothing when the link led nowhere useful.
async function crawlTo(visit, { path, from }) {
  const response = await visit.page.goto(visit.url(path));
  const status = response?.status() ?? 0;
  const landed = visit.path();
  const redirect = landed === path ? '' : ` -> ${landed}`;
  console.log(`    ${path}${redirect}${status === 200 ? '' : ` (answered ${status})`}`);

  const where = visit.where(from ? `${path} (linked from ${from})` : path);
  if (!visit.check(status === 200, `answered ${status}`, where)) return null;
  const toSignIn = landed.startsWith('/sign-in') && !path.startsWith('/sign-in');
  if (!visit.check(!toSignIn, 'sent the role to the sign-in form', where)) return null;
  if (!visit.checked.has(landed)) await checkPage(visit);
  return landed;
}

async function signIn(visit, email) {
  const { page } = visit;
  const where = visit.where('sign-in');
  await page.goto(visit.url('/sign-in'));
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([
    page.waitForURL(visit.url('/'), { timeout: WAIT_MS }),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);

  const shownName = (await page.locator('.signed-in-as').textContent())?.trim() ?? '';
  const heading = (await page.locator('h1').textContent())?.trim() ?? '';
  const signOutShown = await page.getByRole('button', { name: 'Sign out' }).isVisible();
  const signedIn =
    visit.check(shownName, 'no name in the header after signing in', where) &&
    visit.check(signOutShown, 'no Sign out button after signing in', where) &&
    visit.check(heading === `Welcome, ${shownName}`, `the home heading is "${heading}"`, where);
  if (!signedIn) throw new Error(`could not sign in as ${email}`);
  console.log(`  signed in as ${shownName}`);
}

async function signOut(visit) {
  const { page } = visit;
  const where = visit.where('sign-out');
  // From the home page: an error page may not show the header's Sign out form.
  await page.goto(visit.url('/'));
  await Promise.all([
    page.waitForURL(visit.url('/sign-in'), { timeout: WAIT_MS }),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ]);
  const stillSignedIn = await page.getByRole('button', { name: 'Sign out' }).count();
  visit.check(stillSignedIn === 0, 'the page still offers Sign out', where);
  // The session must be over on the server too, not only on the page.
  await page.goto(visit.url('/profile'));
  const shown = visit.path();
  visit.check(shown === '/sign-in', `/profile after signing out showed ${shown}`, where);
  console.log('  signed out');
}

// Clicks a submit button and waits for the page that answers, returning its status.
async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST', { timeout: WAIT_MS }),
    page.waitForEvent('load', { timeout: WAIT_MS }),
    button.click(),
  ]);
  return response.status();
}

// A bad value must come back with its message beside the field, the field marked invalid and
// described by the message, everything else as typed, and nothing saved. The rest of the form
// is left as the profile has it, as a person editing one field would.
async function checkProfileErrors(visit) {
  const { page } = visit;
  const where = visit.where('/profile with a bad value');
  console.log('  /profile with a bad value');
  await page.goto(visit.url('/profile'));
  const savedPosition = await page.locator('#position').inputValue();
  const typed = {
    pronouns: 'they/them',
    position: 'Smoke-test cataloger',
    bio: 'Typed *before* the error.',
  };
  for (const [field, value] of Object.entries(typed)) await page.locator(`#${field}`).fill(value);
  // A browser sends a number field holding letters as empty, so an out-of-range number is the
  // bad value that really reaches the server (the form has novalidate).
  await page.locator('#years_in_profession').fill('250');
  const status = await submit(page, page.getByRole('button', { name: 'Save my profile' }));

  const heading = (await page.locator('h1').textContent())?.trim();
  const formAgain = status >= 400 && status < 500 && heading === 'My profile';
  const answer = `answered ${status} "${heading}", expected a 4xx with the form again`;
  if (!visit.check(formAgain, answer, where)) return;
  await checkFieldError(visit, where, 'years_in_profession', '250');
  for (const [field, value] of Object.entries(typed)) {
    const kept = await page.locator(`#${field}`).inputValue();
    visit.check(kept === value, `${field} came back as "${kept}", not "${value}"`, where);
  }
  await checkAccessibility(visit);

  await page.goto(visit.url('/profile'));
  const position = await page.locator('#position').inputValue();
  const unsaved = position === savedPosition;
  visit.check(unsaved, `the invalid form was saved (position now "${position}")`, where);
}

async function checkFieldError(visit, where, id, typedValue) {
  const { page } = visit;
  const field = page.locator(`#${id}`);
  const message = page.locator(`#${id}-error`);
  if (!visit.check((await message.count()) === 1, `no error message #${id}-error`, where)) return;

  const besideField = await message.evaluate((el, fieldId) => {
    const group = el.closest('.field');
    return Boolean(group?.querySelector(`#${fieldId}`));
  }, id);
  visit.check(besideField, `#${id}-error is not in the same .field as #${id}`, where);
  const invalid = await field.getAttribute('aria-invalid');
  visit.check(invalid === 'true', `#${id} lacks aria-invalid="true"`, where);
  const describedBy = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/);
  const described = describedBy.includes(`${id}-error`);
  visit.check(described, `#${id} is not described by its error message`, where);
  const summaryLinks = await page.locator(`.error-summary a[href="#${id}"]`).count();
  visit.check(summaryLinks === 1, `the error summary does not link to #${id}`, where);
  visit.check((await field.inputValue()) === typedValue, `#${id} lost the value typed`, where);
}

// Reports what the browser itself complains about: a CSP violation, a script error or a
// stylesheet that did not load. Console lines about failed loads are left to the response
// check: a document's own status is checked where it is opened (a form answered with 422 is
// expected), and the /favicon.ico that Chromium asks for by itself is no page's fault.
function watchBrowser(visit) {
  const { page } = visit;
  page.on('console', (message) => {
    if (message.type() !== 'error' || message.text().startsWith('Failed to load resource')) return;
    visit.fail(`browser console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => visit.fail(`script error: ${error.message}`));
  page.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() === 'document' || response.status() < 400) return;
    const path = new URL(response.url()).pathname;
    visit.fail(`${request.resourceType()} ${path} answered ${response.status()}`);
  });
}

async function runRole(browser, baseUrl, { role, email, pages }) {
  console.log(`\n== ${role}`);
  // A fresh context per role: no cookie or session carries over from the role before.
  const context = await browser.newContext();
  context.setDefaultTimeout(WAIT_MS);
  const visit = new Visit(await context.newPage(), role, baseUrl);
  watchBrowser(visit);
  try {
    if (email) await signIn(visit, email);
    await visitAll(visit, pages);
    await crawl(visit);
    if (email) {
      await checkProfileErrors(visit);
      await signOut(visit);
    }
  } catch (error) {
    visit.fail(`stopped: ${error.message.split('\n')[0]}`, role);
  } finally {
    await context.close();
  }
}

function report() {
  if (notes.size > 0) {
    console.log(`\nBelow the bar, not failing the run (${notes.size}):`);
    for (const note of notes) console.log(`  ${note}`);
  }
  if (failures.length > 0) {
    console.log(`\nSmoke test FAILED with ${failures.length} problems:`);
    for (const failure of failures) console.log(`  ${failure}`);
    return 1;
  }
  console.log(`\nSmoke test passed: ${ROLES.length} roles, ${pagesChecked} pages checked.`);
  return 0;
}

async function main() {
  const baseUrl = process.argv[2]?.replace(/\/$/, '');
  if (!baseUrl) {
    console.error('usage: node smoke.mjs BASE_URL');
    return 2;
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    for (const role of ROLES) await runRole(browser, baseUrl, role);
  } finally {
    await browser.close();
  }
  return report();
}

process.exitCode = await main();
