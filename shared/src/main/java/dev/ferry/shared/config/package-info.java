/**
 * Ferry's settings (queue URLs, table names, attempts, local mode), read once from the environment or a map.
 * Bottom layer: depends on nothing else in Ferry.
 */
package dev.ferry.shared.config;
