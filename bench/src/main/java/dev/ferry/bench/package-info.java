/**
 * JMH benchmarks (run by hand with {@code bench/run}; results in {@code bench/results/}).
 */
package dev.ferry.bench;
