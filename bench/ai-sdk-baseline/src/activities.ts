// The baseline's tool, an activity as @temporalio/ai-sdk's samples write tools (the bench's `instant`: returns at once).
export async function instant(input: { n: number }): Promise<string> {
  return `ok ${input.n}`;
}
