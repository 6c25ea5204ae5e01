export { createChatHandler, MemoryChatStore, type ChatHandlerOptions, type ChatRecord, type ChatStore, type WhileRunningPolicy } from './handler.js';
export { UiChunkMapper, type UiChunk, type RunStatusData } from './ui-chunks.js';
