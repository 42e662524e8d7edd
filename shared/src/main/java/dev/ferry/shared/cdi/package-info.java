/**
 * The CDI producer that hands each Quarkus function its {@code FerryRuntime}; nothing else depends on CDI.
 */
package dev.ferry.shared.cdi;
