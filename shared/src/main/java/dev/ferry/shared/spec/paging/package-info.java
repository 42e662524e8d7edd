/**
 * Paging plans compiled from a spec's {@code source.list}: pagination (token, link, offset, page), cursors and their
 * formats, time windows, and the URL of each next page. Checked when a spec loads and run by the poller; it knows
 * nothing of HTTP calls, queues or state, so the spec loader can use it without depending on polling.
 */
package dev.ferry.shared.spec.paging;
