package dev.cortana.host.channel.discord;

import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where the files a user attaches are saved ({@code <usersDir>/<id>/attachments/}) and which file types a started
 * plugin's tools take as files ({@code ToolProvider.acceptedFileTypes()}: those are not pasted into the message).
 */
public record AttachmentInbox(Path usersDir, Supplier<Set<String>> acceptedFileTypes) {

    /** Saves nothing: attachments are read into the message as before. */
    public static final AttachmentInbox NONE = new AttachmentInbox(null, Set::of);

    Path folderOf(String userId) {
        return usersDir.resolve(userId.replaceAll("[^A-Za-z0-9_-]", "_")).resolve("attachments");
    }
}
