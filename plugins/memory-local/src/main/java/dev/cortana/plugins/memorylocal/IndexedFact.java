package dev.cortana.plugins.memorylocal;

/** A current fact in the in-memory index: id, text and embedding (null until computed). */
record IndexedFact(long id, String text, float[] embedding) {
}
