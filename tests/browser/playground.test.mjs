// The playground page end to end, in headless Chromium driven by playwright-core, against the
// built site (playground/dist) served on 127.0.0.1 (`node --test tests/browser/`).
//
// Needs: the page built (node playground/scripts/build.mjs, after scripts/build-wasm), Debian's
// chromium (/usr/bin/chromium, or CHROMIUM) and playground/node_modules (npm ci). The wasm
// for node (target-wasm/node-pkg, or CVL_WASM_PKG) gives the expected output of each example.
// A screenshot of the page at 1366x768 goes to /tmp/playground.png (or CVL_SCREENSHOT).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.CVL_PLAYGROUND_DIST ?? path.join(root, 'playground/dist');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const screenshot = process.env.CVL_SCREENSHOT ?? '/tmp/playground.png';
const requireFromPlayground = createRequire(path.join(root, 'playground/package.json'));
const { chromium } = requireFromPlayground('playwright-core');
const wasmPkg = process.env.CVL_WASM_PKG ?? path.join(root, 'target-wasm/node-pkg');
const wasm = createRequire(import.meta.url)(path.join(wasmPkg, 'cvl_playground.js'));

const STEP_MS = 20_000; // any single wait
const TEST_MS = 90_000; // any single test
// Whatever happens, the run ends.
setTimeout(() => {
  console.error('browser tests: still running after 5 minutes, giving up');
  process.exit(1);
}, 300_000).unref();

let server;
let context;
let userDataDir;
const requests = []; // every request any page made: [url, page url]

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), `${dist}/index.html is missing: node playground/scripts/build.mjs`);
  assert.ok(fs.existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install chromium (scripts/install-test-deps)`);
  server = await serve(dist);
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvl-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    timeout: STEP_MS,
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  context.setDefaultTimeout(STEP_MS);
  context.on('request', (r) => requests.push([r.url(), r.frame()?.url?.() ?? '']));
});

after(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

/// A new page with its errors collected; `path` relative to the site.
async function open(where = '') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(new URL(where, server.url).href);
  await settled(page);
  return { page, errors };
}

/// Waits until the latest edit's results are shown.
async function settled(page) {
  await page.waitForFunction(() => window.playground && !document.body.classList.contains('pending'));
}

const code = (page) => page.evaluate(() => window.playground.code());
const output = (page) => page.evaluate(() => window.playground.output());
const selectedTab = (page) => page.locator('#stack-tabs .tab[aria-selected="true"]').getAttribute('data-key');

/// Types at the end of the editor's text.
async function typeAtEnd(page, text) {
  await page.locator('.cm-content').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 5 });
}

test('loads the starter, shows each stack\'s template, and looks right at 1366x768', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open();
  assert.equal(await page.locator('#example').inputValue(), 'hello');
  assert.deepEqual(await page.locator('#stack-tabs .tab').allTextContents(), ['storage', 'web', 'manifest', 'graph']);
  assert.equal(await selectedTab(page), 'stack:storage');
  const template = JSON.parse(await output(page));
  assert.equal(template.Resources.Assets.Type, 'AWS::S3::Bucket');
  await page.locator('#output .cm-content', { hasText: '"Assets"' }).waitFor();
  assert.match(await page.locator('#problems-count').textContent(), /No problems|^\d+ warnings?$/);
  // the other stack: the cross-stack reference became an import
  await page.locator('#stack-tabs .tab', { hasText: 'web' }).click();
  assert.match(await output(page), /"Fn::ImportValue": "(\w+-)?storage-Assets"/);
  // YAML
  await page.locator('#format-toggle button[data-format="yaml"]').click();
  await page.waitForFunction(() => /Fn::ImportValue: (\w+-)?storage-Assets/.test(window.playground.output()));
  await page.locator('#format-toggle button[data-format="json"]').click();
  await page.locator('#stack-tabs .tab', { hasText: 'storage' }).click();
  await page.screenshot({ path: screenshot });
  assert.deepEqual(errors, []);
  await page.close();
});

test('an error shows as a squiggle and in the list; undo clears it', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open('?example=hello');
  const before = await output(page);
  await typeAtEnd(page, '\nlet broken: int = "oops"');
  await settled(page);
  await page.locator('.cm-lintRange-error').first().waitFor();
  const item = page.locator('#problem-list .diag.error').first();
  await item.waitFor();
  const lines = (await code(page)).split('\n').length;
  assert.match(await item.locator('.loc').textContent(), new RegExp(`^main\\.cvl:${lines}:\\d+$`));
  assert.match(await page.locator('#problems-count').textContent(), /1 error/);
  // the last good build stays, marked as such
  assert.equal(await page.locator('#stale').isVisible(), true);
  assert.equal(await output(page), before);
  // ... in YAML too
  await page.locator('#format-toggle button[data-format="yaml"]').click();
  await page.waitForFunction(() => window.playground.output().startsWith('AWSTemplateFormatVersion:'));
  await page.locator('#format-toggle button[data-format="json"]').click();
  assert.equal(await output(page), before);
  // clicking the problem puts the cursor there
  await item.click();
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('cm-content')), true);
  // undo: back to no problems
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => !window.playground.code().includes('oops'));
  await settled(page);
  assert.match(await page.locator('#problems-count').textContent(), /No problems|^\d+ warnings?$/);
  assert.equal(await page.locator('.cm-lintRange-error').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the env selector changes the output and the URL', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open('?example=hello&env=beta');
  const env = page.locator('#params select[data-param="env"]');
  assert.equal(await env.inputValue(), 'beta');
  assert.equal(JSON.parse(await output(page)).Resources.Assets.DeletionPolicy, 'Delete');
  await env.selectOption('prod');
  await page.waitForFunction(() => window.playground.output().includes('"DeletionPolicy": "Retain"'));
  assert.match(JSON.parse(await output(page)).Description, /env=prod/);
  assert.equal(new URL(page.url()).search, '?example=hello&env=prod');
  assert.deepEqual(errors, []);
  await page.close();
});

/// Every `.cvl` file under `dir`, keyed by its `/`-separated path relative to `dir`.
function readProject(dir, prefix = '', files = {}) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readProject(full, `${prefix}${entry.name}/`, files);
    else if (entry.name.endsWith('.cvl')) files[`${prefix}${entry.name}`] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

test('every example loads by URL with its env, and shows what the compiler gives', { timeout: TEST_MS * 2 }, async (t) => {
  const examplesDir = path.join(root, 'examples');
  const names = fs.readdirSync(examplesDir).filter((e) => fs.existsSync(path.join(examplesDir, e, 'main.cvl'))).sort();
  for (const name of names) {
    const files = readProject(path.join(examplesDir, name));
    const listed = JSON.parse(wasm.params(JSON.stringify(files), 'main.cvl'));
    const env = listed.params.find((p) => p.name === 'env');
    const value = env?.allowed.at(-1) ?? null; // the last env: not the page's default choice
    await t.test(`?example=${name}${value ? `&env=${value}` : ''}`, async () => {
      const { page, errors } = await open(`?example=${name}${value ? `&env=${value}` : ''}`);
      assert.equal(await page.locator('#example').inputValue(), name);
      assert.deepEqual(await page.evaluate(() => window.playground.files()), files);
      if (value) assert.equal(await page.locator('#params select[data-param="env"]').inputValue(), value);
      const expected = JSON.parse(wasm.compile(JSON.stringify(files), 'main.cvl', JSON.stringify(value ? { env: value } : {})));
      const shownErrors = await page.locator('#problem-list .diag.error').count();
      assert.equal(shownErrors, expected.diagnostics.filter((d) => d.severity === 'error').length);
      if (expected.stacks.length > 0) {
        const tabs = await page.locator('#stack-tabs .tab').allTextContents();
        assert.deepEqual(tabs, [...expected.stacks.map((s) => s.name), 'manifest', 'graph']);
        assert.ok((await output(page)) === expected.stacks[0].template, 'the page shows the template byte for byte');
      }
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});

test('the graph draws the example\'s resources; a click shows one\'s declaration in the editor', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open('?example=canvalo&env=gamma');
  const files = await page.evaluate(() => window.playground.files());
  const expected = JSON.parse(wasm.compile(JSON.stringify(files), 'main.cvl', JSON.stringify({ env: 'gamma' }))).graph;
  assert.ok(expected && expected.stacks.length > 0, 'the example builds');
  await page.locator('#stack-tabs .tab', { hasText: 'graph' }).click();
  await page.locator('#graph svg').waitFor();
  assert.equal(await page.locator('#output').isVisible(), false);
  // one node per resource, one box per stack
  const shown = await page.locator('#graph .graph-node').evaluateAll((gs) => gs.map((g) => `${g.dataset.stack}/${g.dataset.id}`));
  const want = expected.stacks.flatMap((s) => s.nodes.map((n) => `${s.name}/${n.id}`));
  assert.deepEqual([...shown].sort(), [...want].sort());
  assert.equal(await page.locator('#graph .graph-stack').count(), expected.stacks.length);
  assert.ok((await page.locator('#graph path.edge').count()) > 0, 'references are drawn');
  await page.screenshot({ path: screenshot.replace(/(\.png)?$/, '-graph.png') });
  // a resource declared in the example: the cursor lands on its `resource` line
  const nodes = expected.stacks.flatMap((s) => s.nodes.map((n) => ({ ...n, stack: s.name })));
  const direct = nodes.find((n) => n.decl && n.decl.file in files);
  assert.ok(direct, 'some resource is declared in the example itself');
  await page.locator(`#graph .graph-node[data-stack="${direct.stack}"][data-id="${direct.id}"]`).click();
  assert.deepEqual(await page.evaluate(() => window.playground.cursor()), { file: direct.decl.file, line: direct.decl.line });
  // a resource of a standard-library component: the `let` that instantiates it
  const viaStd = nodes.find((n) => n.decl && n.decl.file.startsWith('std/') && n.via.some((v) => v.file in files));
  if (viaStd) {
    const site = [...viaStd.via].reverse().find((v) => v.file in files);
    await page.locator(`#graph .graph-node[data-stack="${viaStd.stack}"][data-id="${viaStd.id}"]`).click();
    assert.deepEqual(await page.evaluate(() => window.playground.cursor()), { file: site.file, line: site.line });
    assert.ok(/^\s*let\s/.test(files[site.file].split('\n')[site.line - 1]), 'the line instantiates a component');
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('hover and completion come from the compiler', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open('?example=hello');
  const text = await code(page);
  // hover over a resource type: its CloudFormation doc
  const type = /resource \w+: (AWS::[\w:]+)/.exec(text);
  assert.ok(type, 'the starter declares a resource');
  const offset = type.index + type[0].length - 3;
  const box = await page.evaluate((pos) => window.playground.coordsAt(pos), offset);
  assert.ok(box, 'the resource type is on screen');
  await page.mouse.move(box.x, box.y);
  const tip = page.locator('.cm-tooltip-hover .cm-hover-doc');
  await tip.waitFor();
  assert.ok((await tip.textContent()).includes(type[1]), await tip.textContent());
  assert.ok((await tip.locator('pre.doc-code').count()) > 0, 'the code block is drawn as code');
  await page.mouse.move(0, 0);
  // completion after `.`: the attributes of a resource (retype the `.` of `Assets.Arn`)
  const use = /(\w+)\.Arn\b/.exec(text);
  assert.ok(use, 'the starter reads an attribute');
  const end = await page.evaluate((pos) => window.playground.coordsAt(pos), use.index + use[0].length);
  await page.mouse.click(end.x, end.y);
  for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
  assert.ok((await code(page)).includes(`${use[1]}\n`), 'the attribute was deleted');
  await page.keyboard.type('.');
  const list = page.locator('.cm-tooltip-autocomplete');
  await list.waitFor();
  await page.locator('.cm-tooltip-autocomplete li', { hasText: 'Arn' }).first().waitFor();
  const labels = await page.locator('.cm-tooltip-autocomplete .cm-completionLabel').allTextContents();
  assert.ok(labels.includes('Arn'), labels.join(', '));
  assert.ok(!labels.includes('stack'), 'members, not keywords');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the share link carries the code and the params', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open('?example=hello&env=gamma');
  await typeAtEnd(page, '\n// shared: ünïcödé ✓');
  await settled(page);
  const edited = await code(page);
  await page.locator('#share').click();
  await page.waitForFunction(() => document.querySelector('#share-url').value !== '');
  assert.equal(await page.locator('#share-pop').isVisible(), true);
  const url = await page.locator('#share-url').inputValue();
  assert.equal(new URL(page.url()).hash, new URL(url).hash, 'the page\'s own URL is the link');
  assert.match(url, /#code=z\.[A-Za-z0-9_-]+$/);
  await page.close();
  const { page: other } = await open(url.slice(server.url.length));
  assert.equal(await code(other), edited);
  assert.equal(await other.locator('#params select[data-param="env"]').inputValue(), 'gamma');
  assert.match(JSON.parse(await output(other)).Description, /env=gamma/);
  assert.deepEqual(errors, []);
  await other.close();
});

test('a project of several files from a plain link: a tab per file, errors in any of them', { timeout: TEST_MS }, async () => {
  const files = {
    'main.cvl': 'import "./lib/naming.cvl" as naming\n\nstack storage {\n  resource Assets: AWS::S3::Bucket { BucketName: naming.bucket("assets") }\n}\n',
    'lib/naming.cvl': 'fn bucket(purpose: string) -> string {\n  "demo-${purpose}"\n}\n',
  };
  // `b.`: the uncompressed form, as browsers without CompressionStream write it
  const payload = Buffer.from(JSON.stringify({ files, params: {} })).toString('base64url');
  const { page, errors } = await open(`#code=b.${payload}`);
  assert.equal(await page.locator('#example').inputValue(), '');
  assert.deepEqual(await page.locator('#file-tabs .tab').allTextContents(), ['main.cvl', 'lib/naming.cvl']);
  assert.equal(JSON.parse(await output(page)).Resources.Assets.Properties.BucketName, 'demo-assets');
  await page.locator('#file-tabs .tab', { hasText: 'lib/naming.cvl' }).click();
  assert.equal(await code(page), files['lib/naming.cvl']);
  await typeAtEnd(page, '\nfn oops() -> int { "no" }');
  await settled(page);
  const item = page.locator('#problem-list .diag.error').first();
  assert.match(await item.locator('.loc').textContent(), /^lib\/naming\.cvl:5:/);
  await page.locator('.cm-lintRange-error').first().waitFor();
  // a click on the problem from the other file's tab brings that file back
  await page.locator('#file-tabs .tab', { hasText: 'main.cvl' }).click();
  assert.equal(await page.locator('.cm-lintRange-error').count(), 0);
  await item.click();
  assert.equal(await page.locator('#file-tabs .tab[aria-selected="true"]').textContent(), 'lib/naming.cvl');
  // a bare `#code=` is the text of main.cvl
  const bare = Buffer.from('stack s {\n  resource Q: AWS::SQS::Queue {}\n}\n').toString('base64url');
  await page.goto(new URL(`/?x#code=${bare}`, server.url).href);
  await settled(page);
  assert.equal(JSON.parse(await output(page)).Resources.Q.Type, 'AWS::SQS::Queue');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the latest change wins when changes come faster than builds', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open('?example=hello&env=beta');
  await page.evaluate(() => {
    const select = document.querySelector('#params select[data-param="env"]');
    for (const v of ['prod', 'beta', 'prod', 'gamma']) {
      select.value = v;
      select.dispatchEvent(new Event('change'));
    }
  });
  await settled(page);
  await page.waitForTimeout(300); // any stale result would land by now
  assert.match(JSON.parse(await output(page)).Description, /env=gamma/);
  assert.equal(await page.locator('#params select[data-param="env"]').inputValue(), 'gamma');
  assert.deepEqual(errors, []);
  await page.close();
});

test('format, when the compiler has a formatter', { timeout: TEST_MS }, async (t) => {
  const { page, errors } = await open('?example=hello');
  if (await page.locator('#format').isHidden()) {
    t.skip('this build of the glue has no format function');
    await page.close();
    return;
  }
  await typeAtEnd(page, '\nlet   spaced =    [1,2,   3]');
  await settled(page);
  await page.locator('#format').click();
  // the starter has `//` comments, which this formatter may drop: the page asks first
  const anyway = page.locator('#toast button', { hasText: 'Format anyway' });
  await page.locator('#toast').waitFor();
  if (await anyway.isVisible()) {
    assert.ok((await code(page)).includes('let   spaced'), 'nothing changed before the answer');
    await anyway.click();
  }
  await page.waitForFunction(() => window.playground.code().includes('let spaced = [1, 2, 3]'));
  // once formatted, formatting again changes nothing
  await page.locator('#format').click();
  await page.locator('#toast', { hasText: 'Already formatted.' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('templates download as files', { timeout: TEST_MS }, async () => {
  const { page, errors } = await open('?example=hello&env=prod');
  await page.locator('#download').click();
  const items = await page.locator('#download-list button').allTextContents();
  assert.deepEqual(items, ['storage.template.json', 'web.template.json', 'manifest.json', 'All stacks, one JSON file']);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-list button').first().click()]);
  assert.equal(download.suggestedFilename(), 'storage.template.json');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(text, await output(page));
  assert.deepEqual(errors, []);
  await page.close();
});

test('no request left 127.0.0.1, and the compiler was loaded from there', () => {
  const origin = server.url.slice(0, -1);
  const outside = requests.filter(([url]) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url));
  assert.deepEqual(outside, [], 'requests to other hosts');
  assert.ok(requests.some(([url]) => /\/cvl-[0-9a-f]+\.wasm$/.test(url)), 'the wasm request was seen');
  assert.ok(server.served.some((p) => p.endsWith('.wasm')));
});
