// Scans everything the test suite printed for the secret values the tests put into Secrets Manager.
//
//   node scripts/scan-secrets.js [--root DIR] [--min-length N]
//
// The values come from each module's target/ferry-secrets-used.txt (written by dev.ferry.testing.SecretsLedger
// under tests: every value given to AwsEmulators.putSecret and every version moto held when the emulators stopped).
// Searched: every target/surefire-reports/** and failsafe-reports/**, and every *.log, *.txt and
// *-output.txt under a target/ directory (moto's log included), for each value as is, JSON-escaped and URL-encoded.
// A finding names the secret, its field and the file, never the value. Values shorter than --min-length (default 6)
// are not searched (a "v1" is in every log) and are counted as such; identifiers (clientId, username, accessKeyId)
// are not secret and not searched.
// Exit 0: no value found. 1: a value was found, or there was nothing to search for (no ledger, or only skipped
// values: the scan must not pass vacuously). 2: bad arguments.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const LEDGER = 'ferry-secrets-used.txt';
const NOT_SECRET = new Set(['clientId', 'username', 'accessKeyId', 'region', 'service']);
const SKIP_DIRS = new Set(['.git', 'node_modules', 'classes', 'test-classes', 'generated-sources', 'generated-test-sources',
  'maven-status', 'maven-archiver', 'lib', 'quarkus-app', 'function']);

function usage(message) {
  console.error(`scan-secrets: ${message}\nusage: node scripts/scan-secrets.js [--root DIR] [--min-length N]`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { root: path.join(__dirname, '..'), minLength: 6 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) usage(`${argv[i]} needs a value`);
    if (argv[i] === '--root') options.root = value;
    else if (argv[i] === '--min-length' && /^[1-9][0-9]*$/.test(value)) options.minLength = Number(value);
    else usage(`unknown option or bad value: ${argv[i]} ${value}`);
  }
  if (!fs.existsSync(options.root)) usage(`${options.root}: no such directory`);
  return options;
}

// Every target/ directory under root (not inside another target/).
function targetDirs(dir, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIP_DIRS.has(entry.name)) continue;
    const child = path.join(dir, entry.name);
    if (entry.name === 'target') found.push(child);
    else targetDirs(child, found);
  }
  return found;
}

// The files of a target/ directory that hold what the tests printed.
function outputFiles(dir, inReports = false, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) outputFiles(child, inReports || /^(surefire|failsafe)-reports$/.test(entry.name), found);
    } else if (entry.isFile() && entry.name !== LEDGER && (inReports || /\.(log|txt)$/.test(entry.name))) {
      found.push(child);
    }
  }
  return found;
}

function readLedger(file, values) {
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line === '') return;
    const [name, field, encoded] = line.split('\t');
    if (encoded === undefined) {
      console.error(`scan-secrets: ERROR: ${file}:${i + 1}: not "<name> TAB <field> TAB <base64>"`);
      process.exit(1);
    }
    const value = Buffer.from(encoded, 'base64').toString('utf8');
    const key = `${name}\t${field}\t${value}`;
    if (!values.has(key)) values.set(key, { name, field, value });
  });
}

// The forms a leaked value takes in output: as is, inside a JSON string, in a URL.
function forms(value) {
  const all = new Map([['as is', value], ['JSON-escaped', JSON.stringify(value).slice(1, -1)], ['URL-encoded', encodeURIComponent(value)]]);
  const distinct = new Map();
  for (const [how, text] of all) if (![...distinct.values()].includes(text)) distinct.set(how, text);
  return distinct;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const targets = targetDirs(options.root);
  const ledgers = targets.map((t) => path.join(t, LEDGER)).filter((f) => fs.existsSync(f));
  const values = new Map();
  ledgers.forEach((f) => readLedger(f, values));

  const searched = [];
  const skipped = new Set();
  const identifiers = new Set();
  for (const v of values.values()) {
    const leaf = v.field.split('.').pop();
    if (NOT_SECRET.has(leaf)) identifiers.add(`${v.name} ${v.field}`);
    else if (v.value.length < options.minLength) skipped.add(`${v.name} ${v.field}`);
    else searched.push(v);
  }
  const secretNames = new Set(searched.map((v) => v.name));
  if (searched.length === 0) {
    console.error(`scan-secrets: ERROR: no secret values to search for under ${options.root} (${ledgers.length} ledgers, `
      + `${values.size} values, ${skipped.size} too short): run the tests first (./mvnw verify); a scan with nothing to look for proves nothing`);
    process.exit(1);
  }

  const files = targets.flatMap((t) => outputFiles(t));
  let bytes = 0;
  const findings = [];
  for (const file of files) {
    const content = fs.readFileSync(file);
    bytes += content.length;
    for (const v of searched) {
      for (const [how, text] of forms(v.value)) {
        if (content.includes(text)) {
          findings.push(`secret ${v.name} (field ${v.field}) found ${how} in ${path.relative(options.root, file)}`);
          break;
        }
      }
    }
  }
  const mb = (bytes / 1048576).toFixed(1);
  console.log(`scan-secrets: ${searched.length} values of ${secretNames.size} secrets (from ${ledgers.length} modules' ledgers) searched in `
    + `${files.length} output files (${mb} MiB); ${skipped.size} values shorter than ${options.minLength} characters and `
    + `${identifiers.size} identifiers not searched`);
  for (const f of findings) console.log(`  FOUND ${f}`);
  if (findings.length > 0) {
    console.error(`scan-secrets: ERROR: ${findings.length} findings of secret values in test output (above)`);
    process.exit(1);
  }
  console.log('scan-secrets: 0 found');
}

main();
