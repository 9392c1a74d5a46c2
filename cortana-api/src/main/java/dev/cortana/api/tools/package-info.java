/**
 * Agent tools: {@link dev.cortana.api.tools.ToolProvider} contributes objects with LangChain4j {@code @Tool} methods,
 * or {@link dev.cortana.api.tools.AgentTool}s described at run time; {@link dev.cortana.api.tools.ToolResult} returns
 * files with the text the model reads.
 */
package dev.cortana.api.tools;
