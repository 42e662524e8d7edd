/**
 * Re-driving dead letters through the current specs, with a dry run that previews what would be sent.
 */
package dev.ferry.shared.replay;
