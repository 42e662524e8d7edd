/**
 * Ferry's integration core, wired: {@code FerryRuntime} builds the steps from configuration (AWS clients, specs,
 * stores) once per function instance. Plain Java; the Lambda entry points live in the {@code functions/} modules.
 */
package dev.ferry.shared;
