/**
 * Durable jobs: work a plugin schedules for later that survives restarts. Start at {@link dev.cortana.api.jobs.DurableJobs}.
 */
package dev.cortana.api.jobs;
