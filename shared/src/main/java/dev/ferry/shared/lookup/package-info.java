/**
 * Lookups while mapping: a GET per distinct value through the API's auth and limits, cached per instance
 * with a TTL (Caffeine, one load in flight per key).
 */
package dev.ferry.shared.lookup;
