/**
 * Integration specs: the YAML model, its loader with {@code file:line: path: problem} errors, the registry,
 * the generated JSON Schema for editors, and load-time credential checks.
 */
package dev.ferry.shared.spec;
