/**
 * What a plugin does when the host finds that two user ids are one person: merge its per-user rows. Start at
 * {@link dev.cortana.api.users.UserDataMigration}.
 */
package dev.cortana.api.users;
