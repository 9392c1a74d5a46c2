package dev.cortana.host.skills;

import java.nio.file.Path;

/**
 * Something wrong with one skill, for {@code /skills} and the log.
 *
 * @param file    the {@code SKILL.md} (or skill folder) concerned
 * @param message what is wrong and, where it helps, what to do
 * @param skipped whether the skill was left out (otherwise it loaded with this warning)
 */
public record SkillProblem(Path file, String message, boolean skipped) {
}
