/**
 * What a tool throws when what it runs on is out of reach (an MCP server that is down): not an answer for the model but
 * an infrastructure failure, so the tool activity fails its attempt and Temporal retries it by the tool's policy
 * (maxAttempts, backing off); past the last attempt the run fails with ToolCallFailedError and can be continued later.
 */
export class ToolUnavailableError extends Error {
  override name = 'ToolUnavailableError';
}
