package dev.cortana.host.skills;

import java.nio.file.Path;

/**
 * One loaded skill.
 *
 * @param name        its name, from the front matter (or the folder when the front matter has none)
 * @param description when to use it, as the model sees it in the system prompt
 * @param file        its {@code SKILL.md}, absolute
 * @param origin      where it came from: {@code global}, {@code user} or {@code plugin <id>}
 */
public record Skill(String name, String description, Path file, String origin) {
}
