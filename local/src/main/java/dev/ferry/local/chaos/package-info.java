/**
 * The chaos run: thousands of records through the four real handlers over the emulators, with a destination that
 * fails, throttles, stalls and drops connections, a provider that redelivers webhooks, and instances that crash at
 * every step boundary; at the end an account of every record (applied once, lost, applied twice, dead-lettered,
 * recovered by replay). Run at CI size by {@code ChaosRunTest}, at full size by {@code bench/run chaos}. Test code
 * that ships in the local module only so that the bench command can run it; nothing in {@code ferry dev} uses it.
 */
package dev.ferry.local.chaos;
