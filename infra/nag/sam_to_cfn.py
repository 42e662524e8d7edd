"""Turns infra/template.yaml (SAM) into the plain CloudFormation one deployment of it would run, for the rule packs.

Usage: python3 sam_to_cfn.py TEMPLATE [--conditions] [NAME=VALUE ...] > template.json

With --conditions the output is {"template": ..., "conditions": {name: value}, "parameters": {...},
"conditionParameters": [...]}: what the scan needs to choose its configurations and check each condition was
scanned both ways.

Three steps, each because the packs need it:
1. samtranslator (installed with cfn-lint) expands the AWS::Serverless::* resources into the Lambda functions,
   aliases, versions, event source mappings, schedules and roles CloudFormation would create. CodeUri points
   at local zips (sam deploy uploads them); the translator wants S3, so they become placeholders.
2. The parameters get the configuration's values (the template's defaults, overridden by NAME=VALUE).
3. Conditions are evaluated with those values: resources and outputs whose condition is false are dropped,
   Fn::If takes its branch and AWS::NoValue disappears. Left unresolved, a rule reads an Fn::If as "set"
   and would pass or fail a configuration that no deployment has. The template's Rules are evaluated too
   (with --conditions, "refused" lists the assertions CloudFormation would refuse the deployment with) and
   left out of the output: they are checks on parameters, not resources.
Errors go to stderr as one line each, exit 2 (bad arguments) or 1 (the template does not translate).
"""
import copy
import json
import logging
import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.public.translator import Translator
from samtranslator.yaml_helper import yaml_parse

NO_VALUE = object()


def fail(code, message):
    print("sam_to_cfn: " + message, file=sys.stderr)
    sys.exit(code)


def parameter_values(template, overrides):
    declared = template.get("Parameters", {})
    values = {name: spec["Default"] for name, spec in declared.items() if "Default" in spec}
    for name, value in overrides.items():
        if name not in declared:
            fail(2, f"{name}: no such parameter (known: {', '.join(sorted(declared))})")
        allowed = declared[name].get("AllowedValues")
        if allowed is not None and value not in [str(a) for a in allowed]:
            fail(2, f"{name}={value}: not one of {allowed}")
        values[name] = value
    missing = sorted(set(declared) - set(values))
    if missing:
        fail(2, f"parameters without a default need a value: {', '.join(missing)}")
    return {name: str(value) for name, value in values.items()}


def translate(template, values):
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            properties = resource.setdefault("Properties", {})
            name = os.path.basename(os.path.dirname(os.path.dirname(str(properties.get("CodeUri", "code")))))
            properties["CodeUri"] = f"s3://ferry-artifacts-placeholder/{name}/function.zip"
    logging.getLogger("samtranslator").setLevel(logging.CRITICAL)
    try:
        return Translator(managed_policy_map={}, sam_parser=Parser()).translate(sam_template=template, parameter_values=dict(values))
    except InvalidDocumentException as e:
        fail(1, "the SAM template does not translate: " + "; ".join(str(cause) for cause in e.causes))


class Resolver:
    def __init__(self, template, values):
        self.values = values
        self.definitions = template.get("Conditions", {})
        self.conditions = {}

    def condition(self, name):
        if name not in self.conditions:
            if name not in self.definitions:
                fail(1, f"condition {name} is not defined")
            self.conditions[name] = bool(self.evaluate(self.definitions[name]))
        return self.conditions[name]

    def evaluate(self, node):
        """The value of a condition expression."""
        if isinstance(node, dict) and len(node) == 1:
            (key, arg), = node.items()
            if key == "Fn::Equals":
                return str(self.evaluate(arg[0])) == str(self.evaluate(arg[1]))
            if key == "Fn::Not":
                return not self.evaluate(arg[0])
            if key == "Fn::And":
                return all(self.evaluate(a) for a in arg)
            if key == "Fn::Or":
                return any(self.evaluate(a) for a in arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Ref":
                if arg not in self.values:
                    fail(1, f"a condition refers to {arg}, which is not a parameter")
                return self.values[arg]
            fail(1, f"cannot evaluate {key} in a condition")
        return node

    def resolve(self, node):
        """The node with parameters replaced, Fn::If taken and AWS::NoValue removed."""
        if isinstance(node, dict):
            if len(node) == 1:
                (key, arg), = node.items()
                if key == "Ref" and arg == "AWS::NoValue":
                    return NO_VALUE
                if key == "Ref" and arg in self.values:
                    return self.values[arg]
                if key == "Fn::If":
                    return self.resolve(arg[1] if self.condition(arg[0]) else arg[2])
            resolved = {key: self.resolve(value) for key, value in node.items()}
            return {key: value for key, value in resolved.items() if value is not NO_VALUE}
        if isinstance(node, list):
            return [value for value in (self.resolve(v) for v in node) if value is not NO_VALUE]
        return node

    def refusals(self, rules):
        """What CloudFormation would answer to a deployment with these values: the failed rule assertions."""
        refused = []
        for name, rule in rules.items():
            if "RuleCondition" in rule and not self.evaluate(rule["RuleCondition"]):
                continue
            for assertion in rule.get("Assertions", []):
                if not self.evaluate(assertion["Assert"]):
                    refused.append(f"{name}: {assertion.get('AssertDescription', 'assertion failed')}")
        return refused

    def section(self, entries):
        kept = {}
        for name, entry in entries.items():
            condition = entry.get("Condition")
            if condition is not None and not self.condition(condition):
                continue
            kept[name] = self.resolve({key: value for key, value in entry.items() if key != "Condition"})
        return kept


def referenced_parameters(node, parameters, found):
    if isinstance(node, dict):
        if node.get("Ref") in parameters:
            found.add(node["Ref"])
        for value in node.values():
            referenced_parameters(value, parameters, found)
    elif isinstance(node, list):
        for value in node:
            referenced_parameters(value, parameters, found)
    return found


def main(argv):
    if not argv or argv[0].startswith("-"):
        fail(2, "usage: sam_to_cfn.py TEMPLATE [--conditions] [NAME=VALUE ...]")
    with_conditions = "--conditions" in argv[1:]
    overrides = {}
    for arg in [a for a in argv[1:] if a != "--conditions"]:
        if "=" not in arg:
            fail(2, f"{arg}: expected NAME=VALUE")
        name, value = arg.split("=", 1)
        overrides[name] = value
    with open(argv[0], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    values = parameter_values(template, overrides)
    declared = copy.deepcopy(template.get("Parameters", {}))
    # The region SAM builds ARNs for; the pseudo parameters stay as references.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    cfn = translate(template, values)
    resolver = Resolver(cfn, values)
    result = {key: value for key, value in cfn.items() if key not in ("Parameters", "Conditions", "Resources", "Outputs", "Rules")}
    # Kept (with this configuration's values) for the references resolving cannot remove, e.g. in Fn::Sub.
    result["Parameters"] = {name: {**spec, "Default": values[name]} for name, spec in declared.items()}
    result["Resources"] = resolver.section(cfn.get("Resources", {}))
    result["Outputs"] = resolver.section(cfn.get("Outputs", {}))
    if with_conditions:
        result = {
            "template": result,
            "conditions": {name: resolver.condition(name) for name in cfn.get("Conditions", {})},
            "values": values,
            "refused": resolver.refusals(cfn.get("Rules", {})),
            "parameters": declared,
            "conditionParameters": sorted(referenced_parameters(cfn.get("Conditions", {}), declared, set())),
        }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
