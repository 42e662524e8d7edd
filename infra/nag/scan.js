// Security scan of infra/template.yaml with cdk-nag's AwsSolutions and Serverless rule packs, in every
// configuration the template's conditions allow.
//
//   node infra/nag/scan.js [--template PATH] [--suppressions PATH]
//
// For each configuration, sam_to_cfn.py turns the SAM template into the CloudFormation a deployment with those
// parameters runs (conditions evaluated); that template is included into a CDK stack (CfnInclude) and each pack's
// validateScope() checks it (cdk-nag 3 has no Aspects; packs are called directly). Findings listed in
// suppressions.json, each with its reason, are acknowledged on their resources. Exit 1 when any error is left
// open in any configuration, when a suppression no longer matches anything, or when a condition is not scanned
// both ways; exit 2 on bad arguments. Warnings are listed but do not fail the scan.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { App, Stack, Validations } = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag');

// Values for parameters whose conditions test "given or empty": a well-formed value stands for "given".
const SAMPLE_VALUES = {
  AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:ferry-alarms',
  LogsKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  AlarmEmail: 'ops@example.com',
};

function usage(message) {
  console.error(`nag: ${message}\nusage: node infra/nag/scan.js [--template PATH] [--suppressions PATH]`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = {
    template: path.join(__dirname, '..', 'template.yaml'),
    suppressions: path.join(__dirname, 'suppressions.json'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options) || !argv[i].startsWith('--')) usage(`unknown option ${argv[i]}`);
    if (argv[i + 1] === undefined) usage(`${argv[i]} needs a value`);
    options[key] = argv[i + 1];
  }
  return options;
}

function translate(templatePath, parameters) {
  const args = [path.join(__dirname, 'sam_to_cfn.py'), templatePath, '--conditions'];
  for (const [name, value] of Object.entries(parameters)) args.push(`${name}=${value}`);
  try {
    return JSON.parse(execFileSync('python3', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }));
  } catch (e) {
    console.error(`nag: ERROR: ${(e.stderr || e.message).trim()}`);
    process.exit(1);
  }
}

// The configurations to scan: every combination of the values the conditions' parameters can take.
function configurations(templatePath) {
  const probe = translate(templatePath, {});
  const choices = probe.conditionParameters.map((name) => {
    const spec = probe.parameters[name];
    const values = spec.AllowedValues ? spec.AllowedValues.map(String)
      : [String(spec.Default ?? ''), SAMPLE_VALUES[name]];
    if (values.some((v) => v === undefined)) {
      console.error(`nag: ERROR: a condition tests parameter ${name}; give it a sample value in SAMPLE_VALUES (scan.js)`);
      process.exit(1);
    }
    return values.map((value) => [name, value]);
  });
  let combos = [{}];
  for (const options of choices) {
    combos = combos.flatMap((combo) => options.map(([name, value]) => ({ ...combo, [name]: value })));
  }
  return combos;
}

// A configuration by the values it changes: "defaults", or e.g. "EnableFunctionUrl=true AlarmEmail=…".
function label(configuration, defaults) {
  return Object.entries(configuration).filter(([k, v]) => v !== String(defaults[k].Default ?? ''))
    .map(([k, v]) => `${k}=${v}`).join(' ') || 'defaults';
}

function loadSuppressions(file) {
  let list;
  try {
    list = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`nag: ERROR: ${file}: ${e.message}`);
    process.exit(1);
  }
  list.forEach((s, i) => {
    const where = `${file}: suppression ${i + 1}`;
    if (typeof s.rule !== 'string' || !Array.isArray(s.resources) || s.resources.length === 0) {
      console.error(`nag: ERROR: ${where}: needs "rule" and a non-empty "resources" list`);
      process.exit(1);
    }
    if (typeof s.reason !== 'string' || s.reason.trim().length < 20) {
      console.error(`nag: ERROR: ${where} (${s.rule}): needs a written "reason" (at least 20 characters)`);
      process.exit(1);
    }
  });
  return list;
}

function scan(translated, suppressions) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-nag-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify(translated.template));
  const app = new App();
  const stack = new Stack(app, 'Ferry');
  // The configuration's values replace the parameters everywhere, Fn::Sub strings included.
  const parameters = Object.fromEntries(Object.entries(translated.values)
    .map(([name, value]) => [name, translated.parameters[name].Type === 'Number' ? Number(value) : value]));
  const included = new CfnInclude(stack, 'Template', { templateFile: file, parameters });
  for (const s of suppressions) {
    for (const logicalId of s.resources) {
      let resource;
      try {
        resource = included.getResource(logicalId);
      } catch {
        continue; // not in this configuration (a condition left it out)
      }
      Validations.of(resource).acknowledge({ id: s.rule, reason: s.reason });
    }
  }
  const findings = [];
  for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    for (const violation of pack.validateScope(stack).violations) {
      for (const resource of violation.violatingResources) {
        findings.push({
          rule: violation.ruleName,
          severity: violation.severity,
          resource: resource.constructPath.split('/').pop(),
          description: violation.description,
        });
      }
    }
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return findings;
}

// A suppression is "used" when its rule would have fired on its resource: scanning again without it must show it.
function unusedSuppressions(translations, suppressions) {
  const fired = suppressions.map(() => new Set());
  translations.forEach((translated) => {
    const open = scan(translated, []);
    suppressions.forEach((s, j) => {
      for (const f of open) if (f.rule === s.rule && s.resources.includes(f.resource)) fired[j].add(f.resource);
    });
  });
  const stale = [];
  suppressions.forEach((s, j) => {
    for (const resource of s.resources) if (!fired[j].has(resource)) stale.push(`${s.rule} on ${resource}`);
  });
  return stale;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const suppressions = loadSuppressions(options.suppressions);
  // Configurations CloudFormation refuses (a Rules assertion fails) cannot be deployed, so are not scanned.
  const configs = [];
  const translations = [];
  for (const configuration of configurations(options.template)) {
    const translated = translate(options.template, configuration);
    if (translated.refused.length > 0) {
      console.log(`nag: ${label(configuration, translated.parameters)}: refused at deploy (${translated.refused.join('; ')}), not scanned`);
    } else {
      configs.push(configuration);
      translations.push(translated);
    }
  }
  if (configs.length === 0) {
    console.error('nag: ERROR: no configuration of the template can be deployed');
    process.exit(1);
  }
  let errors = 0;
  let warnings = 0;
  let failed = false;

  // Every condition must be scanned both true and false.
  const seen = {};
  for (const t of translations) for (const [name, value] of Object.entries(t.conditions)) (seen[name] = seen[name] || new Set()).add(value);
  for (const [name, values] of Object.entries(seen)) {
    if (values.size < 2) {
      console.error(`nag: ERROR: condition ${name} is ${[...values][0]} in every configuration scanned`);
      failed = true;
    }
  }

  configs.forEach((configuration, i) => {
    const findings = scan(translations[i], suppressions);
    const e = findings.filter((f) => f.severity === 'error');
    const w = findings.filter((f) => f.severity !== 'error');
    const resources = Object.keys(translations[i].template.Resources).length;
    console.log(`nag: [${i + 1}/${configs.length}] ${label(configuration, translations[i].parameters)}: ${resources} resources, `
      + `${e.length} open errors, ${w.length} warnings`);
    for (const f of [...e, ...w]) console.log(`  ${f.severity.toUpperCase()} ${f.rule} ${f.resource}: ${f.description}`);
    errors += e.length;
    warnings += w.length;
  });

  const stale = unusedSuppressions(translations, suppressions);
  for (const s of stale) console.error(`nag: ERROR: suppression ${s} matches no finding in any configuration: remove it`);
  const total = suppressions.reduce((n, s) => n + s.resources.length, 0);
  console.log(`nag: ${configs.length} configurations, AwsSolutions + Serverless: ${errors} open errors, ${warnings} warnings, `
    + `${total} suppressions (each with its reason in ${path.relative(process.cwd(), options.suppressions)})`);
  if (errors > 0 || stale.length > 0 || failed) process.exit(1);
}

main();
