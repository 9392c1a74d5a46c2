package dev.cortana.host.agent;

/**
 * The text of one turn as it goes out to a {@link ReplyStream}, shaped as the reply would be without streaming: no
 * whitespace at its start or end (trailing whitespace is held back until more text follows), the texts of successive
 * model rounds separated by a blank line, a notice written before the first text. What went out is {@link #shown()}.
 */
final class StreamedText {

    /** What marks a reply the user stopped while it was streaming. */
    static final String CUT = " … (stopped)";

    private final ReplyStream out;
    private final StringBuilder shown = new StringBuilder();
    private final StringBuilder held = new StringBuilder();
    private String preamble = "";
    private boolean newRound;

    StreamedText(ReplyStream out) {
        this.out = out;
    }

    /** Text to show just before the first text of the model (a notice that history was dropped). */
    synchronized void preamble(String text) {
        preamble = text;
    }

    /** The next model round begins: its text, if any, is set off from what was shown by a blank line. */
    synchronized void newRound() {
        newRound = shown.length() > 0;
    }

    /** A piece of the model's answer. */
    synchronized void model(String piece) {
        boolean atStart = shown.length() == 0 || newRound;
        String text = atStart ? piece.stripLeading() : piece;
        if (text.isEmpty()) {
            return;
        }
        String kept = text.stripTrailing();
        if (kept.isEmpty()) {
            held.append(text);
            return;
        }
        StringBuilder next = new StringBuilder();
        if (shown.length() == 0 && !preamble.isEmpty()) {
            next.append(preamble).append("\n\n");
        } else if (newRound) {
            next.append("\n\n");
        } else {
            next.append(held);
        }
        held.setLength(0);
        newRound = false;
        next.append(kept);
        held.append(text, kept.length(), text.length());
        emit(next.toString());
    }

    /** Text of the host's own after what was shown (an error, a notice), set off by a blank line. */
    synchronized void after(String text) {
        held.setLength(0);
        emit((shown.length() == 0 ? "" : "\n\n") + text);
    }

    /** Marks what was shown as cut by the user. */
    synchronized void cut() {
        held.setLength(0);
        emit(CUT);
    }

    synchronized boolean started() {
        return shown.length() > 0;
    }

    synchronized String shown() {
        return shown.toString();
    }

    private void emit(String text) {
        shown.append(text);
        out.text(text);
    }
}
