// The Chat Completions API's rules for a request, as the real API enforces them, so that no test passes with a
// request OpenAI would refuse. Returns the first broken rule as OpenAI answers it (status, message in the API's
// wording, param, code; the server wraps it in { error: { message, type, param, code } }), or undefined.
//
// Two rules are stricter than the API, on purpose (an agent loop that breaks them has lost track): a tool call id is
// answered by one tool message only, and a tool call id is used once in the whole conversation.
import { isReasoningModel, modelAccepted } from './models.js';

/** The API's answer to a request it refuses. */
export interface OpenAIRefusal {
  status: 400 | 401 | 404;
  message: string;
  param: string | null;
  code: string | null;
}

type Json = Record<string, unknown>;

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const NAME = /^[a-zA-Z0-9_-]+$/;

const refuse = (message: string, param: string | null = null, code: string | null = null): OpenAIRefusal => ({ status: 400, message, param, code });
const missing = (param: string): OpenAIRefusal => refuse(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/** Why the real API would refuse this request: 401 without a bearer key, 404 for an unknown model, 400 for a broken rule. */
export function requestProblem(body: unknown, headers: Record<string, string>, options: { models?: readonly string[] | '*'; apiKey?: string } = {}): OpenAIRefusal | undefined {
  // 401 without `Authorization: Bearer <key>` (the API's own wording), 401 invalid_api_key for a key it does not know.
  const key = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (!key) {
    return {
      status: 401,
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      param: null,
      code: null,
    };
  }
  if (options.apiKey !== undefined && key !== options.apiKey) {
    return { status: 401, message: `Incorrect API key provided: ${key.slice(0, 3)}*****${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`, param: null, code: 'invalid_api_key' };
  }
  if (!isObject(body)) return refuse(`Invalid type for 'body': expected an object, but got ${typeName(body)} instead.`, null, 'invalid_type');
  // The model: required; one the account cannot use is 404 model_not_found.
  if (typeof body.model !== 'string' || !body.model) return refuse('you must provide a model parameter');
  if (!modelAccepted(body.model, options.models)) return { status: 404, message: `The model \`${body.model}\` does not exist or you do not have access to it.`, param: null, code: 'model_not_found' };
  return messagesProblem(body.messages) ?? toolCallPairingProblem(body.messages as Json[]) ?? toolsProblem(body.tools) ?? responseFormatProblem(body) ?? parameterProblem(body);
}

function messagesProblem(messages: unknown): OpenAIRefusal | undefined {
  // messages: required, an array of at least one message.
  if (messages === undefined) return missing('messages');
  if (!Array.isArray(messages)) return refuse(`Invalid type for 'messages': expected an array, but got ${typeName(messages)} instead.`, 'messages', 'invalid_type');
  if (messages.length === 0) return refuse("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  for (const [i, message] of (messages as unknown[]).entries()) {
    if (!isObject(message)) return refuse(`Invalid type for 'messages[${i}]': expected an object, but got ${typeName(message)} instead.`, `messages[${i}]`, 'invalid_type');
    // role: one of the API's six roles.
    if (!ROLES.includes(message.role as string)) {
      return refuse(`Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `messages[${i}].role`, 'invalid_value');
    }
    const content = message.content;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      return refuse(`Invalid type for 'messages[${i}].content': expected one of a string or array of objects, but got ${typeName(content)} instead.`, `messages[${i}].content`, 'invalid_type');
    }
    if (message.role === 'assistant') {
      // An assistant message says something or calls tools: content may be null only beside tool_calls.
      const calls = message.tool_calls;
      if ((content === undefined || content === null) && !(Array.isArray(calls) && calls.length)) return refuse("Invalid value for 'content': expected a string, got null.", `messages.[${i}].content`);
      const problem = toolCallsProblem(calls, i);
      if (problem) return problem;
    } else if (content === undefined || content === null) {
      // Every other role's content is required.
      return missing(`messages[${i}].content`);
    }
    // A tool message names the call it answers.
    if (message.role === 'tool' && typeof message.tool_call_id !== 'string') return missing(`messages[${i}].tool_call_id`);
  }
  return undefined;
}

function toolCallsProblem(calls: unknown, i: number): OpenAIRefusal | undefined {
  if (calls === undefined || calls === null) return undefined;
  if (!Array.isArray(calls)) return refuse(`Invalid type for 'messages[${i}].tool_calls': expected an array, but got ${typeName(calls)} instead.`, `messages[${i}].tool_calls`, 'invalid_type');
  // Each call: an id, type 'function', a function with a name and its arguments as a string.
  for (const [j, call] of (calls as unknown[]).entries()) {
    const at = `messages[${i}].tool_calls[${j}]`;
    if (!isObject(call)) return refuse(`Invalid type for '${at}': expected an object, but got ${typeName(call)} instead.`, at, 'invalid_type');
    if (typeof call.id !== 'string') return missing(`${at}.id`);
    if (call.type !== 'function') return refuse(`Invalid value: '${String(call.type)}'. Supported values are: 'function'.`, `${at}.type`, 'invalid_value');
    const fn = call.function;
    if (!isObject(fn)) return missing(`${at}.function`);
    if (typeof fn.name !== 'string') return missing(`${at}.function.name`);
    if (typeof fn.arguments !== 'string') return missing(`${at}.function.arguments`);
  }
  return undefined;
}

function toolCallPairingProblem(messages: Json[]): OpenAIRefusal | undefined {
  const calls = (m: Json): string[] => (Array.isArray(m.tool_calls) ? (m.tool_calls as Json[]).map((c) => c.id as string) : []);
  const unanswered = (asked: Set<string>, answered: Set<string>, at: number): OpenAIRefusal | undefined => {
    const left = [...asked].filter((id) => !answered.has(id));
    // An assistant message's tool calls are all answered by the tool messages right after it, before any other message.
    if (!left.length) return undefined;
    return refuse(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${left.join(', ')}`,
      `messages.[${at}].role`,
    );
  };
  const used = new Set<string>();
  const answered = new Set<string>();
  let asked: Set<string> | undefined;
  for (const [i, message] of messages.entries()) {
    if (message.role === 'tool') {
      const id = message.tool_call_id as string;
      // A tool message answers a tool call of the assistant message before it (or before its sibling tool messages).
      if (!asked) return refuse("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`);
      // Stricter than the API: a call is answered once.
      if (answered.has(id)) return refuse(`Invalid parameter: 'tool_call_id' of '${id}' is answered by more than one message with role 'tool'.`, `messages.[${i}].tool_call_id`);
      if (!asked.has(id)) return refuse(`Invalid parameter: 'tool_call_id' of '${id}' not found in 'tool_calls' of previous message.`, `messages.[${i}].tool_call_id`);
      answered.add(id);
      continue;
    }
    const problem = asked && unanswered(asked, answered, i);
    if (problem) return problem;
    asked = undefined;
    if (message.role !== 'assistant' || !calls(message).length) continue;
    for (const id of calls(message)) {
      // Stricter than the API: a tool call id is used once in the conversation.
      if (used.has(id)) return refuse(`Invalid parameter: tool call id '${id}' is used more than once in 'messages'; each tool call needs its own id.`, `messages.[${i}].tool_calls`);
      used.add(id);
    }
    asked = new Set(calls(message));
  }
  return asked && unanswered(asked, answered, messages.length);
}

function toolsProblem(tools: unknown): OpenAIRefusal | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) return refuse(`Invalid type for 'tools': expected an array, but got ${typeName(tools)} instead.`, 'tools', 'invalid_type');
  // tools, when sent, is a non-empty array.
  if (tools.length === 0) return refuse("Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'tools', 'empty_array');
  for (const [i, tool] of (tools as unknown[]).entries()) {
    if (!isObject(tool)) return refuse(`Invalid type for 'tools[${i}]': expected an object, but got ${typeName(tool)} instead.`, `tools[${i}]`, 'invalid_type');
    if (tool.type !== 'function') return refuse(`Invalid value: '${String(tool.type)}'. Supported values are: 'function' and 'custom'.`, `tools[${i}].type`, 'invalid_value');
    const fn = tool.function;
    if (!isObject(fn)) return missing(`tools[${i}].function`);
    // A function's name: letters, digits, '_' and '-', at most 64 characters.
    const nameProblem = namePatternProblem(fn.name, `tools[${i}].function.name`);
    if (nameProblem) return nameProblem;
    // Its parameters: a JSON Schema of type object (in strict mode, every object closed and every property required).
    if (fn.parameters !== undefined) {
      const problem = schemaProblem(fn.parameters, fn.strict === true);
      if (problem) return refuse(`Invalid schema for function '${String(fn.name)}': ${problem}`, `tools[${i}].function.parameters`, 'invalid_function_parameters');
    }
  }
  return undefined;
}

function namePatternProblem(name: unknown, param: string): OpenAIRefusal | undefined {
  if (typeof name !== 'string') return missing(param);
  if (!NAME.test(name)) return refuse(`Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, param, 'invalid_value');
  if (name.length > 64) return refuse(`Invalid '${param}': string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`, param, 'string_above_max_length');
  return undefined;
}

function schemaProblem(schema: unknown, strict: boolean): string | undefined {
  const type = isObject(schema) ? schema.type : undefined;
  if (type !== 'object') return `schema must be a JSON Schema of 'type: "object"', got 'type: "${type === undefined ? 'None' : String(type)}"'.`;
  return strict ? strictProblem(schema as Json, []) : undefined;
}

/** Structured outputs' strict mode: every object sets additionalProperties: false and requires all its properties. */
function strictProblem(schema: Json, context: string[]): string | undefined {
  const where = `In context=(${context.map((c) => `'${c}'`).join(', ')}${context.length === 1 ? ',' : ''})`;
  if (schema.type === 'object' || isObject(schema.properties)) {
    if (schema.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const keys = Object.keys(isObject(schema.properties) ? schema.properties : {});
    const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
    const absent = keys.find((k) => !required.includes(k));
    if (absent !== undefined) return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${absent}'.`;
  }
  for (const key of ['properties', '$defs', 'definitions']) {
    for (const [name, sub] of Object.entries(isObject(schema[key]) ? schema[key] : {})) {
      const problem = isObject(sub) ? strictProblem(sub, [...context, key, name]) : undefined;
      if (problem) return problem;
    }
  }
  for (const key of ['items', 'anyOf']) {
    const subs = Array.isArray(schema[key]) ? (schema[key] as unknown[]) : [schema[key]];
    for (const [i, sub] of subs.entries()) {
      const problem = isObject(sub) ? strictProblem(sub, [...context, key, ...(Array.isArray(schema[key]) ? [String(i)] : [])]) : undefined;
      if (problem) return problem;
    }
  }
  return undefined;
}

function responseFormatProblem(body: Json): OpenAIRefusal | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) return refuse(`Invalid type for 'response_format': expected an object, but got ${typeName(format)} instead.`, 'response_format', 'invalid_type');
  // response_format.type: text, json_object or json_schema.
  if (!['text', 'json_object', 'json_schema'].includes(format.type as string)) {
    return refuse(`Invalid value: '${String(format.type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`, 'response_format.type', 'invalid_value');
  }
  // JSON mode asks the prompt to mention JSON.
  if (format.type === 'json_object' && !JSON.stringify((body.messages as Json[]).map((m) => m.content)).toLowerCase().includes('json')) {
    return refuse("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages');
  }
  if (format.type !== 'json_schema') return undefined;
  // json_schema: a named schema (the name as a function's); in strict mode an object schema, closed, all required.
  const spec = format.json_schema;
  if (!isObject(spec)) return missing('response_format.json_schema');
  const nameProblem = namePatternProblem(spec.name, 'response_format.json_schema.name');
  if (nameProblem) return nameProblem;
  const problem = spec.strict === true && spec.schema !== undefined ? schemaProblem(spec.schema, true) : undefined;
  return problem ? refuse(`Invalid schema for response_format '${String(spec.name)}': ${problem}`, 'response_format', 'invalid_json_schema') : undefined;
}

function parameterProblem(body: Json): OpenAIRefusal | undefined {
  // stream_options only with stream: true.
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return refuse("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  if (!isReasoningModel(body.model as string)) return undefined;
  // Reasoning models (o-series, gpt-5) take max_completion_tokens, not max_tokens, and only the default temperature.
  if (body.max_tokens !== undefined && body.max_tokens !== null) {
    return refuse("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter');
  }
  if (typeof body.temperature === 'number' && body.temperature !== 1) {
    return refuse(`Unsupported value: 'temperature' does not support ${body.temperature} with this model. Only the default (1) value is supported.`, 'temperature', 'unsupported_value');
  }
  return undefined;
}
