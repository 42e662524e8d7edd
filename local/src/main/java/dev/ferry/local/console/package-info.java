/**
 * {@code ferry dev}'s console, {@code GET /console}: live counts per integration and step (from the metrics the steps
 * record, summed by {@link dev.ferry.local.console.LiveCounts}), the dead letters with their whole failure history (read
 * through the {@link dev.ferry.shared.replay.Replayer}, left in their queues), a record's trail by trace id across the
 * four steps (kept by {@link dev.ferry.local.console.RecordTrail}, bounded, in memory), and replay with a dry-run
 * preview first. One jte page ({@code src/main/jte/console.jte}) and a little plain JavaScript that refreshes from the
 * JSON endpoints under {@code /console/api/}; nothing is fetched from elsewhere, so it works offline. Everything shown is
 * escaped (record bodies are hostile input); no header and no secret value is ever kept or shown. Local only: nothing
 * here runs on AWS, and nothing in {@code dev.ferry.shared} depends on it.
 */
package dev.ferry.local.console;
