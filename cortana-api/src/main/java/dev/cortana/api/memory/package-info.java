/**
 * Long-term memory: what Cortana knows about the user beyond the current conversation. Start at
 * {@link dev.cortana.api.memory.MemoryProvider}.
 */
package dev.cortana.api.memory;
