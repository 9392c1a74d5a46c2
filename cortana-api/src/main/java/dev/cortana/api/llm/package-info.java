/**
 * Language models: {@link dev.cortana.api.llm.LlmProvider} adds a family of models (an extension point), and
 * {@link dev.cortana.api.llm.ModelAccess} lets any plugin ask a model something of its own (a host service, from
 * {@link dev.cortana.api.CortanaContext#model()}). The other types are the values the two exchange with the host.
 */
package dev.cortana.api.llm;
