// The example's page: useChat from @ai-sdk/react, unchanged, on durable-agent's DurableChatTransport. Stop is the
// durable cancel, a reload resumes the answer, Play continues a stopped run, approvals are the AI SDK's own
// (addToolApprovalResponse; useChat sends them on by itself: sendAutomaticallyWhen).
// Bundled for the browser by app.ts (esbuild). Open it as /?chat=<id>&user=<name> (the demo's "sign-in").
import { createElement as h, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import { lastAssistantMessageIsCompleteWithApprovalResponses, type UIMessage } from 'ai';
import { ChatRequestError, DurableChatTransport, type ChatRunStatus } from '../../src/ui/index.js';

interface Location {
  search: string;
  pathname: string;
}
const browser = globalThis as unknown as {
  location: Location;
  history: { replaceState(state: unknown, title: string, url: string): void };
  document: { getElementById(id: string): unknown };
};

const params = new URLSearchParams(browser.location.search);
const user = params.get('user') ?? 'alice';
let chatId = params.get('chat');
if (!chatId) {
  chatId = `chat-${Math.random().toString(36).slice(2, 10)}`;
  params.set('chat', chatId);
  browser.history.replaceState(null, '', `${browser.location.pathname}?${params}`);
}
const CHAT_ID = chatId;

const STATUS_TEXT: Record<ChatRunStatus['status'], string> = {
  running: 'running',
  paused: 'waiting for approval',
  stopping: 'stopping…',
  cancelled: 'stopped',
  completed: 'done',
  error: 'error',
};

interface ToolPartView {
  type: string;
  state: string;
  toolCallId: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean };
}

function App(): ReactNode {
  const transport = useMemo(() => new DurableChatTransport({ headers: { 'x-demo-user': user } }), []);
  const [notice, setNotice] = useState('');
  const { messages, setMessages, sendMessage, stop, resumeStream, addToolApprovalResponse, status } = useChat({
    id: CHAT_ID,
    transport,
    // An approval answered in this tab is sent on by useChat itself: the transport answers the run with it.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onError: (err) => setNotice(err instanceof ChatRequestError ? `refused (${err.status} ${err.code}): ${err.message}` : String(err)),
  });
  const [run, setRun] = useState<ChatRunStatus | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const [loaded, setLoaded] = useState(false);

  useEffect(() => transport.subscribe((id, s) => id === CHAT_ID && setRun({ ...s })), [transport]);
  // A run that waited for an approval and moves on (running, or already done) while this tab has no response open
  // was answered elsewhere (another tab): follow it again. Not when this tab answered it: useChat sends that answer on
  // and reads on itself, and the run may move on before useChat's status leaves 'ready'.
  const lastRunStatus = useRef(run?.status);
  const answeredHere = useRef(false);
  useEffect(() => {
    const was = lastRunStatus.current;
    lastRunStatus.current = run?.status;
    const movedOn = was === 'paused' && run?.status !== 'paused' && run?.status !== 'stopping';
    if (movedOn && status === 'ready' && !answeredHere.current) void resumeStream();
    if (movedOn) answeredHere.current = false;
  }, [run?.status, status]);
  useEffect(() => {
    // After a reload: the finished turns from the server, then the current run's answer replayed and followed live.
    void (async () => {
      const chat = await transport.loadChat(CHAT_ID);
      if (chat) {
        setMessages(chat.messages as UIMessage[]);
        setLoaded(true);
        if (chat.activeRunId) await resumeStream();
      }
      setLoaded(true);
    })();
  }, [transport]);

  const approve = (id: string, approved: boolean): void => {
    answeredHere.current = true;
    void addToolApprovalResponse({ id, approved });
    setNotice(approved ? 'approved' : 'rejected');
  };
  const play = async (): Promise<void> => {
    try {
      await transport.play(CHAT_ID);
      await resumeStream();
    } catch (err) {
      setNotice(err instanceof ChatRequestError ? `refused (${err.status} ${err.code}): ${err.message}` : String(err));
    }
  };

  const busy = status === 'streaming' || status === 'submitted';
  const runText = run ? STATUS_TEXT[run.status] : 'idle';
  return h(
    'main',
    { style: { fontFamily: 'system-ui, sans-serif', maxWidth: 760, margin: '24px auto' } },
    h('h1', { style: { fontSize: 20 } }, 'durable-agent chat'),
    h('div', { 'data-testid': 'meta', style: { color: '#555' } }, `chat ${CHAT_ID} · ${user} · `, h('b', { 'data-testid': 'run-status' }, runText), run ? ` · execution ${run.execution}` : '', loaded ? '' : ' · loading'),
    h(
      'div',
      { 'data-testid': 'messages' },
      messages.map((m) =>
        h(
          'div',
          { key: m.id, 'data-testid': `msg-${m.role}`, style: { margin: '12px 0', padding: 10, borderRadius: 8, background: m.role === 'user' ? '#eef' : '#f6f6f6' } },
          h('div', { style: { fontWeight: 600 } }, m.role === 'user' ? 'You' : 'Agent'),
          m.parts.map((part, i) => {
            if (part.type === 'text') return h('div', { key: i, 'data-testid': 'text', style: { whiteSpace: 'pre-wrap' } }, part.text);
            if (!part.type.startsWith('tool-')) return null;
            const tool = part as unknown as ToolPartView;
            const name = tool.type.slice('tool-'.length);
            return h(
              'div',
              { key: i, 'data-testid': `tool-${name}`, style: { border: '1px solid #ccc', borderRadius: 6, padding: 8, margin: '6px 0' } },
              h('div', null, `Tool ${name} ${JSON.stringify(tool.input ?? {})} · `, h('span', { 'data-testid': 'tool-state' }, tool.state)),
              tool.output !== undefined ? h('div', { 'data-testid': 'tool-output' }, `→ ${String(tool.output)}`) : null,
              tool.errorText ? h('div', { 'data-testid': 'tool-error', style: { color: '#a00' } }, `✗ ${tool.errorText}`) : null,
              tool.state === 'approval-requested' && tool.approval
                ? h(
                    'div',
                    { 'data-testid': 'approval-card', style: { marginTop: 6 } },
                    `Approve ${name}? `,
                    h('button', { 'data-testid': 'approve', onClick: () => approve(tool.approval!.id, true) }, 'Approve'),
                    ' ',
                    h('button', { 'data-testid': 'reject', onClick: () => approve(tool.approval!.id, false) }, 'Reject'),
                  )
                : null,
            );
          }),
        ),
      ),
    ),
    h('div', { 'data-testid': 'notice', style: { color: '#a50' } }, notice),
    h(
      'form',
      {
        onSubmit: (e: { preventDefault(): void }) => {
          e.preventDefault();
          if (!draft.trim()) return;
          void sendMessage({ text: draft });
          setDraft('');
        },
        style: { display: 'flex', gap: 8 },
      },
      h('input', { 'data-testid': 'input', value: draft, onChange: (e: { target: { value: string } }) => setDraft(e.target.value), style: { flex: 1 }, placeholder: 'Ask: "crunch 8 units", "deploy", anything' }),
      h('button', { 'data-testid': 'send', type: 'submit' }, 'Send'),
      h('button', { 'data-testid': 'stop', type: 'button', disabled: !busy && run?.status !== 'paused', onClick: () => void (busy ? stop() : transport.stop(CHAT_ID)) }, 'Stop'),
      h('button', { 'data-testid': 'play', type: 'button', disabled: run?.status !== 'cancelled', onClick: () => void play() }, 'Play'),
    ),
  );
}

createRoot(browser.document.getElementById('root') as Parameters<typeof createRoot>[0]).render(h(App));
