/**
 * The integration catalog: what depends on what. {@link dev.ferry.local.catalog.CatalogBuilder} reads the loaded specs
 * (integrations, declared APIs) and {@code infra/template.yaml} (queues, DLQs, tables, schedules) into a
 * {@link dev.ferry.local.catalog.Catalog}; {@link dev.ferry.local.catalog.DependencyGraph} answers neighbours and impact;
 * the writers turn it into {@code catalog.json}, one self-contained {@code index.html} and a Backstage
 * {@code catalog-info.yaml}. Secrets appear by name only: nothing here ever reads a secret's value.
 */
package dev.ferry.local.catalog;
