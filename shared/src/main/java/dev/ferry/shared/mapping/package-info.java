/**
 * The declarative mapping: {@code FieldMapper} applies a spec's field rules to one record; examples as tests,
 * output validation against the destination schema, lineage.
 */
package dev.ferry.shared.mapping;
