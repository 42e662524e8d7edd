/**
 * The local runner behind {@code ferry dev} (the four real handlers over embedded emulators and demo APIs), the
 * replay runner, and the local HTTP front door. The command line itself is {@code dev.ferry.local.cli}.
 */
package dev.ferry.local;
