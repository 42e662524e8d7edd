/**
 * The {@code ferry} command: {@code dev} (the four real handlers over embedded emulators and demo APIs),
 * {@code replay}; the local HTTP front door.
 */
package dev.ferry.local;
