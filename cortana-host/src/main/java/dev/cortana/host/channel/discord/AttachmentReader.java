package dev.cortana.host.channel.discord;

import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import java.io.InputStream;
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
 * Turns a DM with attachments into one user message: text files are read into the text (each capped, so a huge log
 * cannot blow the model's context or the bill), images go along as image content for vision models, anything else is
 * named so the model can say it cannot open it.
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

    static UserMessage read(String text, List<Message.Attachment> attachments) {
        StringBuilder body = new StringBuilder(text);
        List<Content> images = new ArrayList<>();
        for (Message.Attachment attachment : attachments) {
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
