package dev.cortana.host.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CommandRouterTest {

    private final AtomicReference<CommandInvocation> seen = new AtomicReference<>();

    private final Command settings = new Command() {
        @Override public String name() { return "settings"; }
        @Override public String description() { return "Settings"; }
        @Override public List<Subcommand> subcommands() {
            return List.of(new Subcommand("model", "Switch model", List.of(CommandOption.required("name", "model"))),
                    new Subcommand("status", "Show status", List.of()));
        }
        @Override public String run(CommandInvocation invocation) {
            seen.set(invocation);
            return "ok";
        }
    };

    private final Command remind = new Command() {
        @Override public String name() { return "remind"; }
        @Override public String description() { return "Remind"; }
        @Override public List<CommandOption> options() {
            return List.of(CommandOption.required("when", "when"), CommandOption.required("text", "what"));
        }
        @Override public String run(CommandInvocation invocation) {
            seen.set(invocation);
            return "ok";
        }
    };

    private final CommandRouter router = new CommandRouter(() -> List.of(settings, remind,
            Command.of("boom", "Fails", i -> { throw new IllegalStateException("kaput"); }),
            Command.of("stored", "Needs the database", i -> {
                throw new IllegalStateException("Could not read the settings", new java.sql.SQLTransientConnectionException(
                        "The database is unavailable right now (connection refused); try again in a moment\n\tat somewhere"));
            })));

    @Test
    void subcommandAndItsOptionAreParsed() {
        assertThat(router.run("u1", "/settings model openai/gpt-4o")).isEqualTo("ok");

        assertThat(seen.get().subcommand()).isEqualTo("model");
        assertThat(seen.get().option("name")).contains("openai/gpt-4o");
        assertThat(seen.get().userId()).isEqualTo("u1");
    }

    @Test
    void theLastOptionTakesTheRestOfTheLineAndQuotesGroupWords() {
        router.run("u1", "/remind \"next friday\" call the dentist");

        assertThat(seen.get().option("when")).contains("next friday");
        assertThat(seen.get().option("text")).contains("call the dentist");
    }

    @Test
    void missingRequiredOptionShowsUsage() {
        assertThat(router.run("u1", "/settings model"))
                .isEqualTo("Missing <name>. Usage: /settings model <name> | status");
    }

    @Test
    void unknownCommandListsTheKnownOnes() {
        assertThat(router.run("u1", "/nope")).isEqualTo("Unknown command /nope. Commands: /settings, /remind, /boom, /stored.");
    }

    @Test
    void aFailingCommandReportsInsteadOfCrashing() {
        assertThat(router.run("u1", "/boom")).isEqualTo("/boom failed: kaput");
    }

    @Test
    void aDatabaseOutageInACommandIsOneSentenceFromTheDatabase() {
        assertThat(router.run("u1", "/stored")).isEqualTo(
                "/stored failed: The database is unavailable right now (connection refused); try again in a moment");
    }

    @Test
    void onlySlashFollowedByALetterIsACommand() {
        assertThat(CommandRouter.isCommand("/help")).isTrue();
        assertThat(CommandRouter.isCommand("/ 2 is a slash")).isFalse();
        assertThat(CommandRouter.isCommand("hello /help")).isFalse();
    }
}
