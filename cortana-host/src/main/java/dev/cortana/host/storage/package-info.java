/**
 * Cortana's PostgreSQL storage: opening the database ({@link dev.cortana.host.storage.Database}, embedded or
 * {@code DATABASE_URL}), applying the host's migrations ({@link dev.cortana.host.storage.Migrations}, which also applies each plugin's) and the host's own
 * tables ({@link dev.cortana.host.storage.UserSettingsStore}), and riding out outages: a killed embedded server is
 * restarted, requests fail within seconds while the database is away, and
 * {@link dev.cortana.host.storage.DatabaseAvailability} gives replies the sentence that says so. Plugins get only the
 * pooled {@link javax.sql.DataSource} and own their tables' SQL.
 */
package dev.cortana.host.storage;
