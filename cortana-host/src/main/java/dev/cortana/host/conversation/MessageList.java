package dev.cortana.host.conversation;

import dev.langchain4j.data.message.ChatMessage;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list of messages that grows in amortised constant time: {@link #plus} shares the backing array with
 * this list when nothing was appended to it since, so a conversation that gains a turn does not copy its history.
 * Each list only ever reads the part of the array it was made with, and that part is never written again. The
 * backing array also keeps running token totals ({@link TokenCounter}), so counting a grown history costs only the
 * new messages.
 */
final class MessageList extends AbstractList<ChatMessage> implements RandomAccess {

    static final MessageList EMPTY = new MessageList(new Backing(new ChatMessage[0]), 0);

    /** The shared array; {@code used} is how far any list made from it reaches. */
    static final class Backing {
        final ChatMessage[] items;
        int used;
        /** Per counting slot: {@code totals[slot][i]} is the cost of the first {@code i} messages; {@code -1} beyond. */
        long[][] totals;
        int[] totalled;
        /** The counter whose counts the totals add up. */
        Object totalsOf;

        Backing(ChatMessage[] items) {
            this.items = items;
        }
    }

    final Backing backing;
    private final int size;

    private MessageList(Backing backing, int size) {
        this.backing = backing;
        this.size = size;
    }

    /** {@code messages} itself when it is a {@code MessageList}, else an immutable copy (nulls rejected). */
    static MessageList of(List<ChatMessage> messages) {
        if (messages instanceof MessageList list) {
            return list;
        }
        return EMPTY.plus(messages);
    }

    /** This list followed by {@code more}; this list is unchanged. */
    MessageList plus(List<ChatMessage> more) {
        if (more.isEmpty()) {
            return this;
        }
        int newSize = size + more.size();
        synchronized (backing) {
            if (backing.used == size && newSize <= backing.items.length) {
                for (int i = 0; i < more.size(); i++) {
                    backing.items[size + i] = java.util.Objects.requireNonNull(more.get(i), "message");
                }
                backing.used = newSize;
                return new MessageList(backing, newSize);
            }
        }
        ChatMessage[] items = new ChatMessage[Math.max(16, newSize * 2)];
        System.arraycopy(backing.items, 0, items, 0, size);
        for (int i = 0; i < more.size(); i++) {
            items[size + i] = java.util.Objects.requireNonNull(more.get(i), "message");
        }
        Backing grown = new Backing(items);
        grown.used = newSize;
        return new MessageList(grown, newSize);
    }

    @Override
    public ChatMessage get(int index) {
        java.util.Objects.checkIndex(index, size);
        return backing.items[index];
    }

    @Override
    public int size() {
        return size;
    }

    /** One array copy: {@code ArrayList.addAll} and {@code List.copyOf} of a history call this. */
    @Override
    public Object[] toArray() {
        return java.util.Arrays.copyOf(backing.items, size, Object[].class);
    }
}
