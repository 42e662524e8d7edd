/**
 * The {@code ferry} command for integration engineers (picocli): {@code new}, {@code validate}, {@code test},
 * {@code explain}, {@code plan}, {@code backfill}, {@code replay}, {@code dev}, {@code completion}. Each subcommand is
 * one class; they share how the repository's specs are found and loaded ({@link dev.ferry.local.cli.SpecSet}), how
 * problems are printed ({@code file:line: path: problem (fix)}) and the exit codes (0 ok, 1 problems found, 2 usage).
 * Commands only read, parse and print here; the work itself is ferry-shared's (loader, mapper, poller).
 */
package dev.ferry.local.cli;
