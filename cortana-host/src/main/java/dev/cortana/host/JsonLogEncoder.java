package dev.cortana.host;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cortana.host.llm.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * {@code LOG_FORMAT=json}: one JSON object per line, {@code {"time":"2026-12-01T15:00:00.123Z","level":"INFO",
 * "logger":"dev.cortana.host.plugins.PluginHost","thread":"main","message":"...","plugin":"todos",
 * "exception":"java.io.IOException: ...\n\tat ..."}}. {@code plugin} is there when the event's MDC names one
 * ({@link #PLUGIN_KEY}), {@code exception} when the event has one, as the stack trace's text. Every configured secret
 * (a key, a token, a password) is replaced in the message and the exception, as in Cortana's other output.
 *
 * <p>Not logback's {@code JsonEncoder}: that one writes the message unformatted ({@code "a {} b"} with the arguments
 * apart), the exception as a nested object, and the logger context's properties on every line.
 */
final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {

    /** The MDC key naming the plugin an event comes from. */
    static final String PLUGIN_KEY = "plugin";
    private static final byte[] NONE = new byte[0];
    private static final JsonFactory JSON = new JsonFactory();

    private final SecretRedactor secrets;

    JsonLogEncoder(SecretRedactor secrets) {
        this.secrets = secrets;
    }

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("message", secrets.redact(String.valueOf(event.getFormattedMessage())));
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null && mdc.get(PLUGIN_KEY) != null) {
                json.writeStringField("plugin", mdc.get(PLUGIN_KEY));
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeStringField("exception", secrets.redact(ThrowableProxyUtil.asString(thrown)));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
