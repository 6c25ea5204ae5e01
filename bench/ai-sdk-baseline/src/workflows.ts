// The baseline's agents, written as @temporalio/ai-sdk's samples write them (temporalio/samples-typescript ai-sdk:
// toolsAgent, streamingAgent): the model through temporalProvider, the tool an activity passed as `execute`.
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { TemporalProvider, temporalProvider } from '@temporalio/ai-sdk/workflow';
import { proxyActivities } from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';
import { z } from 'zod';
import type * as activities from './activities.js';

const { instant } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

const tools = {
  instant: tool({ description: 'Returns at once.', inputSchema: z.object({ n: z.number().int() }), execute: instant }),
};

export async function toolsAgent(model: string, prompt: string): Promise<string> {
  const result = await generateText({ model: temporalProvider.languageModel(model), prompt, tools, stopWhen: stepCountIs(20) });
  return result.text;
}

const streamingProvider = new TemporalProvider({ languageModel: { streamingTopic: 'text-stream' } });

export async function streamingAgent(model: string, prompt: string): Promise<string> {
  new WorkflowStream();
  const result = streamText({ model: streamingProvider.languageModel(model), prompt, tools, stopWhen: stepCountIs(20) });
  let text = '';
  for await (const delta of result.textStream) text += delta;
  return text;
}
