// The page's cvl highlighter (playground/web/cvl-language.js), under node: it advances on every
// .cvl file of the repository and on broken text, and gives the expected token classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { tokenize, countPlainComments } = await import(pathToFileURL(path.join(root, 'playground/web/cvl-language.js')).href);

function cvlFiles(dir, found = []) {
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) cvlFiles(full, found);
    else if (entry.name.endsWith('.cvl')) found.push(full);
  }
  return found;
}

test('tokenizes every .cvl file of the repository, and every prefix of one', () => {
  const files = ['examples', 'stdlib', 'tests/cases', 'playground/web'].flatMap((d) => cvlFiles(path.join(root, d)));
  assert.ok(files.length > 0);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    assert.doesNotThrow(() => tokenize(text), file);
  }
  // text being typed: every cut of a file with strings, interpolations and triple quotes
  const sample = 'let a = """\n  x "y" ${b + "c${d}"} \\" $\n  """\nlet e = "f\\\n// g\n';
  for (let i = 0; i <= sample.length; i++) assert.doesNotThrow(() => tokenize(sample.slice(0, i)), JSON.stringify(sample.slice(0, i)));
});

test('gives keywords, declarations, resource types, strings, interpolations, comments and numbers', () => {
  const text = '/// doc\nresource Assets: AWS::S3::Bucket { BucketName: "a-${env}-b", Count: 2 } // note\n';
  const styles = Object.fromEntries(
    tokenize(text).map((t) => [text.split('\n')[t.line].slice(t.from, t.to), t.style]),
  );
  assert.equal(styles['/// doc'], 'docComment');
  assert.equal(styles.resource, 'keyword');
  assert.equal(styles.Assets, 'typeDef');
  assert.equal(styles['AWS::S3::Bucket'], 'resourceType');
  assert.equal(styles.BucketName, 'property');
  assert.equal(styles['${'], 'interpolation');
  assert.equal(styles.env, 'variable');
  assert.equal(styles['a-'], 'string');
  assert.equal(styles['"'], 'string');
  assert.equal(styles['2'], 'number');
  assert.equal(styles['// note'], 'comment');
  assert.equal(countPlainComments(text), 1);
  assert.equal(countPlainComments('let url = "http://x" /// no\n'), 0);
});
