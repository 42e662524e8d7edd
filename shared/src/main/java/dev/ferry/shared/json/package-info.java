/**
 * Ferry's one JSON mapper: exact numbers, strict documents, queue-safe text. Bottom layer.
 */
package dev.ferry.shared.json;
