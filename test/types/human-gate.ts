// Type test, checked by `tsc` (the typecheck step) and never run: tool()'s human gate is one discriminated option, so
// two gates at once are a type error, and `run` may be left out only by an externalExecution tool.
import { z } from 'zod';
import { tool, type Tool } from '../../src/tools/tool-definition.js';

const input = z.object({ id: z.string() });
const run = ({ id }: { id: string }): string => id;

export function humanGateTypes(): Tool[] {
  return [
    tool({ name: 'plain', description: 'd', input, run: ({ id }) => id.toUpperCase() }),
    tool({ name: 'confirm', description: 'd', input, human: { kind: 'confirmation' }, run }),
    tool({ name: 'ask', description: 'd', input, human: { kind: 'userInput', schema: z.object({ seat: z.string() }) }, run }),
    tool({ name: 'external', description: 'd', input, human: { kind: 'externalExecution' } }),
    tool({ name: 'external_with_run', description: 'd', input, human: { kind: 'externalExecution' }, run }),
    // The deprecated spellings, one at a time.
    tool({ name: 'legacy_confirm', description: 'd', input, requiresConfirmation: true, run }),
    tool({ name: 'legacy_ask', description: 'd', input, requiresUserInput: z.object({ seat: z.string() }), run }),
    tool({ name: 'legacy_external', description: 'd', input, externalExecution: true }),

    // @ts-expect-error run is required unless the gate is externalExecution
    tool({ name: 'no_run', description: 'd', input }),
    // @ts-expect-error run is required for a confirmation gate
    tool({ name: 'confirm_no_run', description: 'd', input, human: { kind: 'confirmation' } }),
    // @ts-expect-error a userInput gate needs its schema
    tool({ name: 'ask_no_schema', description: 'd', input, human: { kind: 'userInput' }, run }),
    // @ts-expect-error not a gate kind
    tool({ name: 'bad_kind', description: 'd', input, human: { kind: 'approval' }, run }),
    // @ts-expect-error two gates: human and a deprecated one
    tool({ name: 'two_gates', description: 'd', input, human: { kind: 'confirmation' }, externalExecution: true, run }),
    // @ts-expect-error two deprecated gates
    tool({ name: 'two_legacy', description: 'd', input, requiresConfirmation: true, externalExecution: true, run }),
    // @ts-expect-error run's input is the schema's type
    tool({ name: 'wrong_input', description: 'd', input, run: ({ id }: { id: number }) => id }),
  ];
}
