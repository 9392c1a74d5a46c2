package dev.cortana.host.channel.discord;

import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.entities.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a DM with attachments into one user message. Every file (up to {@link #MAX_SAVED_BYTES}) is saved under the
 * user's folder in the workspace ({@code users/<id>/attachments/}, name sanitised) and the message names the saved
 * path, so a tool can open it. Text files are also read into the text (each capped, so a huge log cannot blow the
 * model's context or the bill) unless a tool takes that file type as a file ({@code .ics} for a calendar), images go
 * along as image content for vision models, anything else is named so the model can say it cannot open it.
 */
final class AttachmentReader {

    private static final Logger log = LoggerFactory.getLogger(AttachmentReader.class);

    /** Larger images are named, not sent: providers refuse them (OpenAI: 20 MB) and they bloat every later request. */
    static final int MAX_IMAGE_BYTES = 8 * 1024 * 1024;

    /** Characters read from one text file. */
    static final int MAX_FILE_CHARS = 50_000;

    private static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "md", "markdown", "csv", "tsv", "json", "yaml",
            "yml", "xml", "html", "log", "ini", "toml", "cfg", "conf", "properties", "sql", "sh", "py", "java", "kt",
            "js", "ts", "go", "rs", "c", "h", "cpp", "cs", "rb", "php", "swift");

    private AttachmentReader() {
    }

    /** Largest attachment saved to the workspace (Discord itself allows up to 10 MB without Nitro). */
    static final long MAX_SAVED_BYTES = 25L * 1024 * 1024;

    static UserMessage read(String text, List<Message.Attachment> attachments) {
        return read(text, attachments, AttachmentInbox.NONE, null);
    }

    static UserMessage read(String text, List<Message.Attachment> attachments, AttachmentInbox inbox, String userId) {
        StringBuilder body = new StringBuilder(text);
        List<Content> images = new ArrayList<>();
        Set<String> wanted = attachments.isEmpty() || inbox.usersDir() == null ? Set.of() : inbox.acceptedFileTypes().get();
        for (Message.Attachment attachment : attachments) {
            Optional<Path> saved = inbox.usersDir() == null ? Optional.empty() : save(attachment, inbox.folderOf(userId));
            saved.ifPresent(path -> body.append("\n\n[Attached file ").append(attachment.getFileName())
                    .append(" saved at ").append(path).append(" (").append(attachment.getSize()).append(" bytes)]"));
            if (saved.isPresent() && wanted.contains(extension(attachment))) {
                continue; // a tool takes this type as a file: the path is all the model needs
            }
            if (attachment.isImage() && attachment.getSize() <= MAX_IMAGE_BYTES) {
                // Inline, not by URL: Discord's attachment URLs expire, and the image stays in the conversation.
                byte[] image = downloadBytes(attachment, MAX_IMAGE_BYTES);
                if (image != null) {
                    String type = attachment.getContentType() == null ? "image/png" : attachment.getContentType();
                    images.add(ImageContent.from(Base64.getEncoder().encodeToString(image), type.split(";")[0]));
                } else {
                    body.append("\n\n[Attached image ").append(attachment.getFileName()).append(" could not be read.]");
                }
            } else if (isText(attachment)) {
                body.append("\n\n[Attached file ").append(attachment.getFileName()).append("]\n")
                        .append(download(attachment));
            } else {
                body.append("\n\n[Attached file ").append(attachment.getFileName()).append(" (")
                        .append(attachment.getContentType() == null ? "unknown type" : attachment.getContentType())
                        .append(", ").append(attachment.getSize()).append(" bytes) was not read: only text files and "
                                + "images are.]");
            }
        }
        List<Content> contents = new ArrayList<>();
        contents.add(TextContent.from(body.toString().strip().isEmpty() ? "(attachments only)" : body.toString()));
        contents.addAll(images);
        return UserMessage.from(contents);
    }

    private static String extension(Message.Attachment attachment) {
        return attachment.getFileExtension() == null ? "" : attachment.getFileExtension().toLowerCase(Locale.ROOT);
    }

    /** Saves one attachment under {@code folder}; empty (with a log line) when it is too large or unreadable. */
    private static Optional<Path> save(Message.Attachment attachment, Path folder) {
        if (attachment.getSize() > MAX_SAVED_BYTES) {
            log.info("Attachment {} not saved: {} bytes is over the {} byte cap", attachment.getFileName(),
                    attachment.getSize(), MAX_SAVED_BYTES);
            return Optional.empty();
        }
        try (InputStream in = attachment.getProxy().download().get(30, TimeUnit.SECONDS)) {
            byte[] bytes = in.readNBytes((int) MAX_SAVED_BYTES + 1);
            if (bytes.length > MAX_SAVED_BYTES) {
                return Optional.empty();
            }
            Files.createDirectories(folder);
            String name = safeName(attachment.getFileName());
            Path target = folder.resolve(name);
            for (int i = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); i++) {
                int dot = name.lastIndexOf('.');
                target = folder.resolve(dot > 0 ? name.substring(0, dot) + "-" + i + name.substring(dot) : name + "-" + i);
            }
            // CREATE_NEW: never write through a link someone placed there.
            Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return Optional.of(target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            log.warn("Could not save attachment {}: {}", attachment.getFileName(), e.toString());
            return Optional.empty();
        }
    }

    /** Letters, digits, dot, dash and underscore; no leading dot; at most 100 characters. */
    static String safeName(String fileName) {
        String name = fileName == null ? "" : fileName.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^\\.+", "");
        if (name.length() > 100) {
            int dot = name.lastIndexOf('.');
            String ext = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
            name = name.substring(0, 100 - ext.length()) + ext;
        }
        return name.isBlank() || name.equals(".") || name.equals("..") ? "attachment" : name;
    }

    private static boolean isText(Message.Attachment attachment) {
        String type = attachment.getContentType() == null ? "" : attachment.getContentType().toLowerCase(Locale.ROOT);
        String extension = attachment.getFileExtension() == null ? "" : attachment.getFileExtension().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("application/xml")
                || TEXT_EXTENSIONS.contains(extension);
    }

    private static byte[] downloadBytes(Message.Attachment attachment, int max) {
        try (InputStream in = attachment.getProxy().download().get(30, TimeUnit.SECONDS)) {
            byte[] bytes = in.readNBytes(max + 1);
            return bytes.length > max ? null : bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            log.warn("Could not download image {}: {}", attachment.getFileName(), e.toString());
            return null;
        }
    }

    private static String download(Message.Attachment attachment) {
        try (InputStream in = attachment.getProxy().download().get(30, TimeUnit.SECONDS)) {
            // Four bytes per character at most in UTF-8: enough bytes for the cap, and one more to know we cut.
            byte[] bytes = in.readNBytes(MAX_FILE_CHARS * 4 + 1);
            String content = new String(bytes, StandardCharsets.UTF_8);
            if (content.length() > MAX_FILE_CHARS || bytes.length > MAX_FILE_CHARS * 4) {
                return content.substring(0, Math.min(content.length(), MAX_FILE_CHARS))
                        + "\n[... cut: only the first " + MAX_FILE_CHARS + " characters of " + attachment.getSize()
                        + " bytes were read]";
            }
            return content;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "[could not be read: interrupted]";
        } catch (Exception e) {
            log.warn("Could not download attachment {}: {}", attachment.getFileName(), e.toString());
            return "[could not be read: the download failed]";
        }
    }
}
