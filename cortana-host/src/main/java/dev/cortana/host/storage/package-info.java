/**
 * Cortana's PostgreSQL storage: opening the database ({@link dev.cortana.host.storage.Database}, embedded or
 * {@code DATABASE_URL}), applying the schema ({@link dev.cortana.host.storage.SchemaApplier}) and the host's own
 * tables ({@link dev.cortana.host.storage.UserSettingsStore}). Plugins get only the pooled
 * {@link javax.sql.DataSource} and own their tables' SQL.
 */
package dev.cortana.host.storage;
