/**
 * Reading and writing dates and times exactly: strict java.time patterns (a day that does not exist is an
 * error, never the nearest one), ISO-8601, Unix timestamps without rounding, and the one rule for local times
 * in a daylight-saving gap or overlap. Used by the mapping, the poll cursors and the spec checks; depends on
 * nothing of Ferry's.
 */
package dev.ferry.shared.time;
