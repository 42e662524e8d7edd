/**
 * What {@code ferry dev} adds around the local pipeline for someone developing an integration: specs loaded file by file
 * and reloaded when their files change ({@link dev.ferry.local.dev.DevSpecs}, {@link dev.ferry.local.dev.SpecWatcher}),
 * a capture destination that prints what it receives, and webhook signing as each scheme's sender would sign. Local
 * only: nothing here runs on Lambda, and nothing here may print a secret.
 */
package dev.ferry.local.dev;
