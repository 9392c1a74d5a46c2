/**
 * Skills a plugin ships: folders with a {@code SKILL.md} that the agent reads when a task needs them. Start at
 * {@link dev.cortana.api.skills.SkillSource}.
 */
package dev.cortana.api.skills;
