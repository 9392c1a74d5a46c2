/**
 * Slash commands for the master user: {@link dev.cortana.api.commands.CommandProvider} contributes
 * {@link dev.cortana.api.commands.Command}s, which may offer suggestions as the user types
 * ({@link dev.cortana.api.commands.Autocompleting}).
 */
package dev.cortana.api.commands;
