/**
 * The one outbound path: an {@link dev.ferry.shared.api.ApiClient} per API a section calls (source, destination,
 * lookup), owning its base URL's requests, auth (with the 401/403 re-read), the shared rate budget and guards, the
 * API's rate-limit headers and strict JSON. Fetch, poll pages, deliveries (single and bulk) and lookups say what they
 * want; none of them assembles a call. Built on http, auth and resilience; used by poll, lookup and steps.
 */
package dev.ferry.shared.api;
